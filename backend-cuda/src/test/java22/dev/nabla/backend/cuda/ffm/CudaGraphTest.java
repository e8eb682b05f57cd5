package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaOptions;
import dev.nabla.backend.cuda.Fatbin;
import dev.nabla.spi.Availability;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CUDA graphs of SGD steps: on a GPU, replaying a captured step gives the same parameters, bit for
 * bit, as running it eagerly, and the test prints both step times; without one, the failure paths.
 */
class CudaGraphTest {
    /** A 784-256-10 sigmoid MLP's SGD step (no loss value: nothing in it waits for the host). */
    static final class Step {
        final List<Tensor> all = new ArrayList<>();
        final CudaBackend b;
        final Tensor x, y, w1, b1, w2, b2, a1, z2, a2, dz2, dz1, gw1, gb1, gw2, gb2;

        Step(CudaBackend b, DType dtype, int batch, long seed) {
            this.b = b;
            SplittableRandom r = new SplittableRandom(seed);
            x = t(dtype, batch, 784, r, 1);
            y = t(dtype, batch, 10, r, 0.5);
            w1 = t(dtype, 256, 784, r, 0.05);
            b1 = t(dtype, 1, 256, r, 0.1);
            w2 = t(dtype, 10, 256, r, 0.1);
            b2 = t(dtype, 1, 10, r, 0.1);
            a1 = z(dtype, batch, 256);
            z2 = z(dtype, batch, 10);
            a2 = z(dtype, batch, 10);
            dz2 = z(dtype, batch, 10);
            dz1 = z(dtype, batch, 256);
            gw1 = z(dtype, 256, 784);
            gb1 = z(dtype, 1, 256);
            gw2 = z(dtype, 10, 256);
            gb2 = z(dtype, 1, 10);
        }

        private Tensor z(DType dtype, int rows, int cols) {
            Tensor t = b.zeros(dtype, rows, cols);
            all.add(t);
            return t;
        }

        private Tensor t(DType dtype, int rows, int cols, SplittableRandom r, double scale) {
            Tensor t = z(dtype, rows, cols);
            double[] v = new double[rows * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = scale * r.nextDouble(-1, 1);
            }
            b.copyFromHost(v, t);
            return t;
        }

        void run() {
            b.denseForward(x, w1, b1, null, a1);
            b.denseForward(a1, w2, b2, z2, a2);
            b.lossGradient(Loss.MSE, a2, y, dz2);
            b.gemm(true, false, 1, dz2, a1, 0, gw2);
            b.columnSums(dz2, gb2);
            b.denseBackward(dz2, w2, a1, dz1);
            b.gemm(true, false, 1, dz1, x, 0, gw1);
            b.columnSums(dz1, gb1);
            b.sgdUpdate(w1, gw1, null, 0.1, 0);
            b.sgdUpdate(b1, gb1, null, 0.1, 0);
            b.sgdUpdate(w2, gw2, null, 0.1, 0);
            b.sgdUpdate(b2, gb2, null, 0.1, 0);
        }

        void close() {
            all.forEach(Tensor::close);
        }
    }

    @Test
    void replayingAStepEqualsRunningItAndIsFaster() {
        Availability a = Backends.installed().provider("cuda").availability();
        assumeTrue(a.isAvailable(), "no usable GPU: " + a.reason());
        for (DType dtype : DType.values()) {
            for (int batch : new int[] {1, 128}) {
                try (CudaBackend eagerB = (CudaBackend) Backends.create("cuda");
                     CudaBackend graphB = (CudaBackend) Backends.create("cuda")) {
                    assumeTrue(!eagerB.gpu().name().startsWith("Fake GPU"), "the tests' fake driver has no graphs");
                    Step eager = new Step(eagerB, dtype, batch, 5);
                    Step graphed = new Step(graphB, dtype, batch, 5);
                    eager.run();
                    graphed.run(); // warm-up: workspaces reach their size outside the capture
                    try (CudaGraph g = CudaGraph.capture(graphB, graphed::run)) {
                        int steps = 200;
                        long t0 = System.nanoTime();
                        for (int i = 0; i < steps; i++) {
                            eager.run();
                        }
                        eagerB.synchronize();
                        long t1 = System.nanoTime();
                        for (int i = 0; i < steps; i++) {
                            g.replay();
                        }
                        graphB.synchronize();
                        long t2 = System.nanoTime();
                        System.out.printf(Locale.ROOT, "784-256-10 %s batch %d: eager %.1f us/step, graph replay %.1f us/step%n",
                                dtype, batch, (t1 - t0) / 1e3 / steps, (t2 - t1) / 1e3 / steps);
                        assertArrayEquals(eagerB.toHostDoubles(eager.w1), graphB.toHostDoubles(graphed.w1),
                                dtype + " batch " + batch + ": replayed steps must equal eager ones bit for bit");
                        assertArrayEquals(eagerB.toHostDoubles(eager.b2), graphB.toHostDoubles(graphed.b2));
                    }
                    eager.close();
                    graphed.close();
                }
            }
        }
    }

    @Test
    void theEmulatorHasNoGraphs() {
        try (CudaBackend b = new CudaBackend(new EmulatedGpu(4), CudaOptions.defaults(), null)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> CudaGraph.capture(b, () -> { }));
            assertTrue(e.getMessage().contains("graphs need the CUDA driver"), e.getMessage());
        }
    }

    @Test
    void aDriverThatCannotCaptureFailsCleanly() throws Exception {
        FakeDriver.healthy(1L << 30);
        try (CudaBackend b = new CudaBackend(DriverGpu.open(FakeDriver.driver(), 0, Fatbin.packaged()), CudaOptions.defaults())) {
            CudaException e = assertThrows(CudaException.class, () -> CudaGraph.capture(b, () -> { }));
            assertEquals("cuda: cuStreamBeginCapture failed: CUDA_ERROR_NOT_SUPPORTED (as the fake driver says)", e.getMessage());
        }
    }
}
