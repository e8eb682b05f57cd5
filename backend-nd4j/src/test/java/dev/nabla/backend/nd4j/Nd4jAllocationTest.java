package dev.nabla.backend.nd4j;

import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.nn.Sgd;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A warmed-up SGD step creates no ND4J array. Every data buffer ND4J creates (views and temporaries
 * included) takes the next number from one counter, its deallocator service's id sequence; reading
 * that counter around the steps counts what they created, which the resident-memory soak in
 * {@link Nd4jMemoryTest} can only see in bulk.
 */
class Nd4jAllocationTest {
    private static final int STEPS = 40;

    @BeforeEach
    void nativeBuildOnly() {
        Flavour.assumeNative();
    }

    private static long nextBufferId() {
        return Nd4j.getDeallocatorService().nextValue();
    }

    @ParameterizedTest(name = "{0} {1} momentum {2}")
    @CsvSource({"FLOAT32, MSE, 0.9", "FLOAT32, BCE, 0", "FLOAT64, MSE, 0", "FLOAT64, BCE, 0.9"})
    void warmedUpStepsCreateNoNd4jBuffers(DType dtype, Loss loss, double momentum) {
        try (Backend backend = Backends.create(Nd4jProvider.ID)) {
            assertEquals(0, buffersCreatedByWarmSteps(backend, dtype, loss, momentum),
                    "ND4J buffers created by " + STEPS + " warmed-up steps");
        }
    }

    /** The counter sees what ND4J's broadcast and reduction ops create: the check above can fail. */
    @Test
    void theCounterSeesTheBuffersOfNd4jOps() {
        Nd4jRuntime.load();
        try (Backend backend = new Nd4jBackend(Nd4jProvider.ID, "nd4j through ND4J ops (test)", new Nd4jOpsAlgebra())) {
            long created = buffersCreatedByWarmSteps(backend, DType.FLOAT32, Loss.BCE, 0.9);
            assertTrue(created >= STEPS, "ND4J ops created only " + created + " buffers in " + STEPS + " steps");
        }
    }

    private static long buffersCreatedByWarmSteps(Backend backend, DType dtype, Loss loss, double momentum) {
        int batch = 16;
        int[] sizes = {19, 33, 17, 5};
        SplittableRandom random = new SplittableRandom(11);
        double[] xs = new double[batch * sizes[0]];
        double[] ys = new double[batch * sizes[sizes.length - 1]];
        try (Network net = new Network(backend, dtype, loss, Parameters.xavierUniform(3, sizes));
             Sgd sgd = Sgd.builder().learningRate(0.3).momentum(momentum).build();
             Tensor x = backend.zeros(dtype, batch, sizes[0]);
             Tensor y = backend.zeros(dtype, batch, sizes[sizes.length - 1])) {
            Runnable step = () -> {
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = random.nextDouble(-1, 1);
                }
                for (int i = 0; i < ys.length; i++) {
                    ys[i] = random.nextInt(2);
                }
                backend.copyFromHost(xs, x);
                backend.copyFromHost(ys, y);
                net.computeGradients(x, y);
                sgd.step(net);
            };
            for (int i = 0; i < 3; i++) {
                step.run();
            }
            long before = nextBufferId();
            for (int i = 0; i < STEPS; i++) {
                step.run();
            }
            // Reading the counter takes one number itself.
            return nextBufferId() - before - 1;
        }
    }
}
