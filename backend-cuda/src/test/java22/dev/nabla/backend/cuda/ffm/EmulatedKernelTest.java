package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaOptions;
import dev.nabla.backend.cuda.GemmPlanner;
import dev.nabla.backend.cuda.KernelCatalog;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The kernels in the host emulator beyond what the conformance suite reaches: every GEMM tile and
 * split-K forced on awkward shapes (1x1, odd sizes, tails, all four transposes, beta != 0, NaN in C
 * with beta = 0, unaligned leading dimensions that rule out vector loads) against float64 host math;
 * the fused epilogues under split-K; bit-for-bit determinism of every reduction, also when each
 * block's threads run in the opposite order; and the emulator's kernels against the catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmulatedKernelTest {
    private final SplittableRandom random = new SplittableRandom(7);
    private EmulatedGpu gpu;
    private Backend reference;

    @BeforeAll
    void open() {
        gpu = new EmulatedGpu(16);
        reference = Backends.create("reference");
    }

    @AfterAll
    void close() {
        reference.close();
        gpu.reverseThreadOrder(false);
    }

    private CudaBackend backend(GemmPlanner.Tile tile, int splits) {
        BackendOptions o = BackendOptions.defaults();
        if (tile != null) {
            o = o.with("gemm-tile", tile.code());
        }
        if (splits > 0) {
            o = o.with("gemm-split", Integer.toString(splits));
        }
        return new CudaBackend(gpu, CudaOptions.parse(o), null);
    }

    private double[] random(DType dtype, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = random.nextDouble(-1, 1);
            v[i] = dtype == DType.FLOAT32 ? (float) x : x;
        }
        return v;
    }

    private static Tensor tensor(Backend b, DType dtype, int rows, int cols, double[] values) {
        Tensor t = b.zeros(dtype, rows, cols);
        b.copyFromHost(values, t);
        return t;
    }

    Stream<Arguments> forcedGemms() {
        int[][] shapes = {{1, 1, 1}, {1, 5, 3}, {7, 1, 9}, {3, 3, 1}, {17, 13, 11}, {33, 65, 129}, {130, 31, 257},
            {64, 128, 8}, {129, 129, 17}};
        List<Arguments> cases = new ArrayList<>();
        int i = 0;
        for (DType dtype : DType.values()) {
            for (GemmPlanner.Tile tile : GemmPlanner.Tile.values()) {
                for (int splits : new int[] {1, 3}) {
                    for (int[] s : shapes) {
                        boolean ta = (i & 1) != 0;
                        boolean tb = (i & 2) != 0;
                        double beta = (i % 3 == 0) ? 0 : (i % 3 == 1 ? 0.5 : -1.25);
                        cases.add(Arguments.of(dtype, tile, splits, s[0], s[1], s[2], ta, tb, beta));
                        i++;
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} tile {1} split {2}: {3}x{4}x{5} transA={6} transB={7} beta={8}")
    @MethodSource("forcedGemms")
    void everyTileAndSplitComputesTheProduct(DType dtype, GemmPlanner.Tile tile, int splits, int m, int n, int k,
                                             boolean ta, boolean tb, double beta) {
        double alpha = -0.75;
        double[] a = random(dtype, m * k);
        double[] b = random(dtype, k * n);
        double[] c = random(dtype, m * n);
        if (beta == 0) {
            Arrays.fill(c, Double.NaN); // beta = 0 must ignore C, NaNs included
        }
        try (CudaBackend cuda = backend(tile, splits)) {
            GemmPlanner.Plan plan = cuda.gemmPlan(dtype, m, n, k);
            assertEquals(tile, plan.tile());
            assertTrue(plan.splits() <= splits);
            try (Tensor ta_ = tensor(cuda, dtype, ta ? k : m, ta ? m : k, a); Tensor tb_ = tensor(cuda, dtype, tb ? n : k, tb ? k : n, b);
                 Tensor tc = tensor(cuda, dtype, m, n, c)) {
                cuda.gemm(ta, tb, alpha, ta_, tb_, beta, tc);
                double[] got = cuda.toHostDoubles(tc);
                double u = dtype.unitRoundoff();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double sum = 0;
                        double bound = 0;
                        for (int p = 0; p < k; p++) {
                            double x = ta ? a[p * m + i] : a[i * k + p];
                            double y = tb ? b[j * k + p] : b[p * n + j];
                            sum += x * y;
                            bound += Math.abs(x * y);
                        }
                        double expected = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j]);
                        double allowed = (k + 4) * u * (Math.abs(alpha) * bound + (beta == 0 ? 0 : Math.abs(beta * c[i * n + j])));
                        if (!(Math.abs(got[i * n + j] - expected) <= allowed)) {
                            fail("C[" + i + ", " + j + "] = " + got[i * n + j] + ", expected " + expected + " +- " + allowed
                                    + " (" + plan + ")");
                        }
                    }
                }
            }
        }
    }

    /** The fused dense layer, forward and backward, under split-K and every tile, against `reference`. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void fusedEpiloguesUnderSplitK(DType dtype) {
        int batch = 37;
        int in = 300;
        int out = 19;
        double[] x = random(dtype, batch * in);
        double[] w = random(dtype, out * in);
        double[] bias = random(dtype, out);
        double[] dz = random(dtype, batch * out);
        double[] expectedA;
        double[] expectedZ;
        double[] expectedPrev;
        try (Tensor rx = tensor(reference, dtype, batch, in, x); Tensor rw = tensor(reference, dtype, out, in, w);
             Tensor rb = tensor(reference, dtype, 1, out, bias); Tensor rz = reference.zeros(dtype, batch, out);
             Tensor ra = reference.zeros(dtype, batch, out); Tensor rdz = tensor(reference, dtype, batch, out, dz);
             Tensor rprev = reference.zeros(dtype, batch, in)) {
            reference.denseForward(rx, rw, rb, rz, ra);
            reference.denseBackward(rdz, rw, rx, rprev);
            expectedA = reference.toHostDoubles(ra);
            expectedZ = reference.toHostDoubles(rz);
            expectedPrev = reference.toHostDoubles(rprev);
        }
        double tol = dtype == DType.FLOAT32 ? 2e-5 : 1e-12;
        for (GemmPlanner.Tile tile : GemmPlanner.Tile.values()) {
            for (int splits : new int[] {1, 2, 5}) {
                try (CudaBackend cuda = backend(tile, splits);
                     Tensor cx = tensor(cuda, dtype, batch, in, x); Tensor cw = tensor(cuda, dtype, out, in, w);
                     Tensor cb = tensor(cuda, dtype, 1, out, bias); Tensor cz = cuda.zeros(dtype, batch, out);
                     Tensor ca = cuda.zeros(dtype, batch, out); Tensor a2 = cuda.zeros(dtype, batch, out);
                     Tensor cdz = tensor(cuda, dtype, batch, out, dz); Tensor cprev = cuda.zeros(dtype, batch, in)) {
                    String what = dtype + " tile " + tile + " split " + splits;
                    cuda.denseForward(cx, cw, cb, cz, ca);
                    cuda.denseForward(cx, cw, cb, null, a2);
                    assertClose(what + " A", expectedA, cuda.toHostDoubles(ca), tol);
                    assertClose(what + " Z", expectedZ, cuda.toHostDoubles(cz), tol);
                    assertArrayEquals(cuda.toHostDoubles(ca), cuda.toHostDoubles(a2), what + ": with or without Z");
                    cuda.denseBackward(cdz, cw, cx, cprev);
                    assertClose(what + " dzPrev", expectedPrev, cuda.toHostDoubles(cprev), tol);
                    // The api refuses dzPrev == aPrev (the cuda kernel never reads aPrev, but other backends do).
                    assertThrows(IllegalArgumentException.class, () -> cuda.denseBackward(cdz, cw, cx, cx), what);
                }
            }
        }
    }

    private static void assertClose(String what, double[] expected, double[] actual, double tol) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol * scale)) {
                fail(what + "[" + i + "] = " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    /** Reductions give the same bits every run and whatever order a block's threads run in. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void reductionsAreDeterministic(DType dtype) {
        int rows = 1031;
        int cols = 45;
        double[] z = random(dtype, rows * cols);
        double[] y = random(dtype, rows * cols);
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.abs(y[i]);
        }
        List<double[]> runs = new ArrayList<>();
        for (boolean reverse : new boolean[] {false, false, true}) {
            gpu.reverseThreadOrder(reverse);
            try (CudaBackend cuda = backend(GemmPlanner.Tile.M, 4);
                 Tensor tz = tensor(cuda, dtype, rows, cols, z); Tensor ta = cuda.zeros(dtype, rows, cols);
                 Tensor ty = tensor(cuda, dtype, rows, cols, y); Tensor dz = cuda.zeros(dtype, rows, cols);
                 Tensor sums = cuda.zeros(dtype, 1, cols); Tensor w = cuda.zeros(dtype, cols, cols)) {
                cuda.sigmoid(tz, ta);
                double mse = cuda.lossAndGradient(Loss.MSE, tz, ta, ty, dz);
                double bce = cuda.loss(Loss.BCE, tz, ta, ty);
                cuda.columnSums(dz, sums);
                cuda.gemm(true, false, 1, tz, ta, 0, w); // split-K over the 1031 rows
                double[] s = cuda.toHostDoubles(sums);
                double[] g = cuda.toHostDoubles(w);
                double[] all = new double[2 + s.length + g.length];
                all[0] = mse;
                all[1] = bce;
                System.arraycopy(s, 0, all, 2, s.length);
                System.arraycopy(g, 0, all, 2 + s.length, g.length);
                runs.add(all);
            } finally {
                gpu.reverseThreadOrder(false);
            }
        }
        for (int r = 1; r < runs.size(); r++) {
            double[] a = runs.get(0);
            double[] b = runs.get(r);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]),
                        "run " + r + " differs at " + i + ": " + a[i] + " vs " + b[i]);
            }
        }
    }

    @Test
    void theEmulatorHasEveryKernelOfTheCatalogWithItsParameterCount() {
        assertEquals(List.copyOf(KernelCatalog.all().keySet()).stream().sorted().toList(),
                gpu.kernels().stream().sorted().toList());
        for (String k : gpu.kernels()) {
            assertEquals(KernelCatalog.params(k).size(), gpu.paramCount(k), k);
        }
    }

    @Test
    void momentumUpdateFollowsTheReferenceComposition() {
        for (DType dtype : DType.values()) {
            double[] p = random(dtype, 301);
            double[] g = random(dtype, 301);
            double[] v = random(dtype, 301);
            double[][] expected = new double[2][];
            try (Tensor rp = tensor(reference, dtype, 7, 43, p); Tensor rg = tensor(reference, dtype, 7, 43, g);
                 Tensor rv = tensor(reference, dtype, 7, 43, v)) {
                reference.sgdUpdate(rp, rg, rv, 0.3, 0.9);
                reference.sgdUpdate(rp, rg, null, 0.1, 0);
                expected[0] = reference.toHostDoubles(rp);
                expected[1] = reference.toHostDoubles(rv);
            }
            try (CudaBackend cuda = backend(null, 0); Tensor cp = tensor(cuda, dtype, 7, 43, p);
                 Tensor cg = tensor(cuda, dtype, 7, 43, g); Tensor cv = tensor(cuda, dtype, 7, 43, v)) {
                cuda.sgdUpdate(cp, cg, cv, 0.3, 0.9);
                cuda.sgdUpdate(cp, cg, null, 0.1, 0);
                // The emulator's host arithmetic rounds exactly as the reference does (no FMA contraction).
                assertArrayEquals(expected[0], cuda.toHostDoubles(cp), dtype + " params");
                assertArrayEquals(expected[1], cuda.toHostDoubles(cv), dtype + " velocity");
            }
        }
    }
}
