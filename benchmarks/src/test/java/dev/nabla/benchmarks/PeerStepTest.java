package dev.nabla.benchmarks;

import dev.nabla.bench.SgdStep;
import dev.nabla.bench.SyntheticBatch;
import dev.nabla.bench.Workload;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.nn.Sgd;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kinds of step the harness times do the same training step: Nabla's {@link SgdStep} is the
 * network's forward, backward and SGD update, and DL4J's peer, started from the same weights on the
 * same batch, lands on the same weights; PyTorch's reports the same losses. (With two outputs DL4J's MSE, which divides by the output
 * count and has no 1/2, has exactly Nabla's gradient.)
 */
class PeerStepTest {
    private static final Workload WORKLOAD = Workload.of("3-5-2", 4, "float64");

    /** Nabla's weights after {@code steps} steps of SgdStep on the reference backend. */
    private static Parameters sgdStepWeights(int steps) {
        try (Backend backend = Backends.create("reference"); SgdStep step = new SgdStep(backend, WORKLOAD)) {
            for (int i = 0; i < steps; i++) {
                assertTrue(Double.isFinite(step.run()));
            }
            return step.network().parameters();
        }
    }

    @Test
    void sgdStepIsTheNetworksForwardBackwardAndUpdate() {
        Parameters viaStep = sgdStepWeights(2);
        try (Backend backend = Backends.create("reference");
             Network net = new Network(backend, WORKLOAD.dtype(), Loss.MSE,
                     Parameters.xavierUniform(SyntheticBatch.SEED, WORKLOAD.sizes()));
             Sgd sgd = Sgd.withLearningRate(SgdStep.LEARNING_RATE);
             Tensor x = backend.zeros(WORKLOAD.dtype(), WORKLOAD.batch(), WORKLOAD.inputs());
             Tensor y = backend.zeros(WORKLOAD.dtype(), WORKLOAD.batch(), WORKLOAD.outputs())) {
            SyntheticBatch batch = SyntheticBatch.of(WORKLOAD);
            backend.copyFromHost(batch.features(), x);
            backend.copyFromHost(batch.targets(), y);
            Parameters initial = net.parameters();
            for (int i = 0; i < 2; i++) {
                net.computeGradients(x, y);
                sgd.step(net);
            }
            assertEquals(net.parameters(), viaStep);
            assertNotEquals(initial, viaStep, "the step changed the weights");
        }
    }

    @Test
    void dl4jPeerTakesTheSameStepFromTheSameWeights() {
        Parameters nabla = sgdStepWeights(1);
        Dl4jThreads threads = Dl4jThreads.parse("dl4j-omp1-blas1");
        threads.apply();
        try (Dl4jStep dl4j = new Dl4jStep(WORKLOAD, threads)) {
            Parameters initial = Parameters.xavierUniform(SyntheticBatch.SEED, WORKLOAD.sizes());
            for (int l = 0; l < initial.layers(); l++) {
                assertArrayClose(initial.weight(l), dl4j.weight(l), 0, "initial weights of layer " + l);
            }
            assertTrue(Double.isFinite(dl4j.run()));
            for (int l = 0; l < nabla.layers(); l++) {
                assertArrayClose(nabla.weight(l), dl4j.weight(l), 1e-12, "weights of layer " + l + " after one step");
            }
            assertTrue(dl4j.description().contains("OpenMP threads 1"), dl4j.description());
        }
    }

    /**
     * PyTorch, started from Nabla's weights on Nabla's batch, reports the same loss for the first step
     * (same weights, batch and mse) and for the second (same gradients and SGD update). Skipped where
     * no Python with torch is found.
     */
    @Test
    void torchPeerTakesTheSameStepsFromTheSameWeights() {
        try {
            TorchStep.findPython();
        } catch (SkippedBenchmark e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, e.getMessage());
        }
        double[] nabla = new double[2];
        try (Backend backend = Backends.create("reference"); SgdStep step = new SgdStep(backend, WORKLOAD)) {
            nabla[0] = step.run();
            nabla[1] = step.run();
        }
        try (TorchStep torch = new TorchStep(WORKLOAD, "torch-1")) {
            assertEquals(nabla[0], torch.firstLoss(), 1e-13 * nabla[0], "first step's loss");
            assertEquals(nabla[1], torch.run(), 1e-13 * nabla[1], "second step's loss (after one update)");
            assertTrue(Double.isFinite(torch.run()));
            assertTrue(torch.description().startsWith("PyTorch 2") && torch.description().contains("1 thread(s)"),
                    torch.description());
        }
    }

    private static void assertArrayClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
        }
    }
}
