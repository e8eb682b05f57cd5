package dev.nabla.backend.cpu;

import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The `cpu` GEMM at every tail and block edge, against float64 host math, and bit for bit against
 * its specification: each element is c = beta c, then c = fma(alpha a_ip, b_pj, c) for p = 0..k-1 in
 * order, in the tensors' dtype (see {@link Sgemm}). A backend built with tiny blocks (KC=5, MC=2 MR,
 * NC=2 NR) makes every block boundary appear at small sizes; the production blocking is checked
 * across its own KC, MC and NC edges; thread counts above the number of row or column tiles check
 * the partitioning, products with few rows take the column split, those with few columns the row
 * split. The fused dense kernels run through the same paths, the forward in both
 * orientations (X W^T, and W X^T stored transposed). The same expected bits
 * hold at every vector width (the pom runs this at 512, 256 and 128 bits).
 */
class CpuGemmEdgesTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(7);

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        Blocking tiny = new Blocking(5, 2 * Sgemm.MR, 2 * Sgemm.NR);
        int[][] small = {
            {1, 1, 1}, {Sgemm.MR - 1, Sgemm.NR - 1, 4}, {Sgemm.MR, Sgemm.NR, 5}, {Sgemm.MR + 1, Sgemm.NR + 1, 6},
            {2 * Sgemm.MR + 1, 2 * Sgemm.NR + 3, 11}, {3 * Sgemm.MR + 5, 5 * Sgemm.NR - 1, 17}, {50, 70, 33},
            {3, 200, 40}, {200, 3, 40}, {37, 41, 43},
            // Past Sgemm.PARALLEL_MIN_WORK with few rows: the column split, its chunk tails, and (at
            // 16 threads) more threads than rows.
            {2 * Sgemm.MR + 5, 9 * Sgemm.NR + 7, 61}, {7, 20 * Sgemm.NR + 5, 120}, {1, 40 * Sgemm.NR + 1, 410},
            // Past the parallel threshold with few columns and many rows: the row split.
            {600, 40, 50}, {1000, Sgemm.NR * 3 + 5, 77},
            // Narrow products (n <= L): an MNIST classifier's 10 outputs.
            {Sgemm.MR + 3, Sgemm.L, 29}, {3 * Sgemm.MR + 1, 10, 37}, {130, 10, 256}, {2, Sgemm.L - 1, 300},
            {200, 1, 70},
        };
        for (DType dtype : DType.values()) {
            for (int threads : new int[] {1, 3, 16}) {
                for (int[] s : small) {
                    cases.add(Arguments.of(dtype, tiny, threads, s[0], s[1], s[2]));
                }
            }
            Blocking real = dtype == DType.FLOAT32 ? Blocking.FLOAT : Blocking.DOUBLE;
            int[][] large = {
                {13, 35, real.kc - 1}, {13, 35, real.kc + 1}, {13, 35, 2 * real.kc + 3},
                {real.mc + 1, 17, 9}, {7, real.nc + 1, 9}, {Sgemm.MR * 3 + 1, Sgemm.NR * 5 + 2, real.kc + 7},
                // Either side of Sgemm.COLUMN_SPLIT_MAX_ROWS, the split over several K blocks.
                {100, 300, 2 * real.kc + 3}, {Sgemm.COLUMN_SPLIT_MAX_ROWS, 150, 40},
                {Sgemm.COLUMN_SPLIT_MAX_ROWS + 1, 300, 100},
                // Narrow products past the parallel threshold.
                {1024, 10, 256}, {Sgemm.COLUMN_SPLIT_MAX_ROWS + 7, Sgemm.L, 300},
            };
            for (int[] s : large) {
                cases.add(Arguments.of(dtype, real, 2, s[0], s[1], s[2]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} threads={2} m={3} n={4} k={5}")
    @MethodSource("cases")
    void gemmAndFusedLayersMatchHostMath(DType dtype, Blocking blocking, int threads, int m, int n, int k) {
        try (Backend backend = new CpuBackend(threads, blocking, blocking)) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    checkGemm(backend, dtype, ta, tb, m, n, k, 1.0, 0.0);
                }
            }
            checkGemm(backend, dtype, false, true, m, n, k, -0.75, 0.5);
            checkGemm(backend, dtype, true, false, m, n, k, 2.0, 1.0);
            for (CpuBackend.ForwardOrientation o : CpuBackend.ForwardOrientation.values()) {
                ((CpuBackend) backend).forwardOrientation(o);
                checkDenseForward(backend, dtype, m, n, k);
            }
            checkDenseBackward(backend, dtype, m, n, k);
        }
    }

    private static double[] random(DType dtype, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = 2 * RANDOM.nextDouble() - 1;
            v[i] = dtype == DType.FLOAT32 ? (float) x : x;
        }
        return v;
    }

    private static Tensor tensor(Backend backend, DType dtype, int rows, int cols, double[] values) {
        Tensor t = backend.zeros(dtype, rows, cols);
        backend.copyFromHost(values, t);
        return t;
    }

    /** Host C = alpha op(A) op(B) + beta C and the error bound (k + 3) u sum |terms| per element. */
    private static double[][] host(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a,
                                   double[] b, double beta, double[] c, DType dtype) {
        double[] out = new double[m * n];
        double[] bound = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double prod = (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                    sum += prod;
                    abs += Math.abs(prod);
                }
                double old = beta == 0 ? 0 : beta * c[i * n + j];
                out[i * n + j] = alpha * sum + old;
                bound[i * n + j] = (k + 3) * dtype.unitRoundoff() * (Math.abs(alpha) * abs + Math.abs(old));
            }
        }
        return new double[][] {out, bound};
    }

    private static void assertWithin(String what, double[] expected, double[] bound, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= bound[i] + 1e-30)) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " +- " + bound[i]);
            }
        }
    }

    /**
     * The GEMM's specification in the dtype's arithmetic: c = beta c (0 when beta = 0), then
     * c = fma(alpha a_ip, b_pj, c) for p = 0..k-1. Results are float32 values for FLOAT32.
     */
    static double[] chain(DType dtype, boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a,
                          double[] b, double beta, double[] c) {
        double[] out = new double[m * n];
        boolean f32 = dtype == DType.FLOAT32;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int idx = i * n + j;
                if (f32) {
                    float fa = (float) alpha;
                    float fb = (float) beta;
                    float acc = fb == 0f ? 0f : fb == 1f ? (float) c[idx] : fb * (float) c[idx];
                    for (int p = 0; p < k; p++) {
                        float aip = (float) (ta ? a[p * m + i] : a[i * k + p]);
                        float bpj = (float) (tb ? b[j * k + p] : b[p * n + j]);
                        acc = Math.fma(fa * aip, bpj, acc);
                    }
                    out[idx] = acc;
                } else {
                    double acc = beta == 0 ? 0 : beta == 1 ? c[idx] : beta * c[idx];
                    for (int p = 0; p < k; p++) {
                        double aip = ta ? a[p * m + i] : a[i * k + p];
                        double bpj = tb ? b[j * k + p] : b[p * n + j];
                        acc = Math.fma(alpha * aip, bpj, acc);
                    }
                    out[idx] = acc;
                }
            }
        }
        return out;
    }

    /** Sigmoid as the backend defines it (LaneMath's exp), in the dtype. */
    static double sigmoid(DType dtype, double z) {
        return dtype == DType.FLOAT32 ? FloatKernels.sigmoid((float) z) : DoubleKernels.sigmoid(z);
    }

    static void assertSameBits(String what, double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + " but the specification gives " + expected[i]
                        + " (not bit for bit)");
            }
        }
    }

    private static void checkGemm(Backend backend, DType dtype, boolean ta, boolean tb, int m, int n, int k,
                                  double alpha, double beta) {
        double[] a = random(dtype, m * k);
        double[] b = random(dtype, k * n);
        double[] c = random(dtype, m * n);
        double[][] expected = host(ta, tb, m, n, k, alpha, a, b, beta, c, dtype);
        try (Tensor ta1 = tensor(backend, dtype, ta ? k : m, ta ? m : k, a);
             Tensor tb1 = tensor(backend, dtype, tb ? n : k, tb ? k : n, b);
             Tensor tc = tensor(backend, dtype, m, n, c)) {
            backend.gemm(ta, tb, alpha, ta1, tb1, beta, tc);
            String what = "gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " alpha=" + alpha + " beta=" + beta;
            double[] actual = backend.toHostDoubles(tc);
            assertWithin(what, expected[0], expected[1], actual);
            assertSameBits(what, chain(dtype, ta, tb, m, n, k, alpha, a, b, beta, c), actual);
        }
    }

    /** denseForward with batch m, out n, in k: z = x w^T + b and a = sigmoid(z), with and without z. */
    private static void checkDenseForward(Backend backend, DType dtype, int batch, int out, int in) {
        double[] x = random(dtype, batch * in);
        double[] w = random(dtype, out * in);
        double[] bias = random(dtype, out);
        double[][] z = host(false, true, batch, out, in, 1, x, w, 0, null, dtype);
        double[] a = new double[z[0].length];
        double[] aBound = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            z[0][i] += bias[i % out];
            z[1][i] += 2 * dtype.unitRoundoff() * Math.abs(bias[i % out]);
            a[i] = 1 / (1 + Math.exp(-z[0][i]));
            aBound[i] = 0.25 * z[1][i] + (dtype == DType.FLOAT32 ? 1e-6 : 1e-14) * a[i];
        }
        try (Tensor tx = tensor(backend, dtype, batch, in, x); Tensor tw = tensor(backend, dtype, out, in, w);
             Tensor tbias = tensor(backend, dtype, 1, out, bias); Tensor tz = backend.zeros(dtype, batch, out);
             Tensor ta = backend.zeros(dtype, batch, out)) {
            double[] zExact = chain(dtype, false, true, batch, out, in, 1, x, w, 0, null);
            double[] aExact = new double[zExact.length];
            for (int i = 0; i < zExact.length; i++) {
                zExact[i] = dtype == DType.FLOAT32 ? (float) zExact[i] + (float) bias[i % out] : zExact[i] + bias[i % out];
                aExact[i] = sigmoid(dtype, zExact[i]);
            }
            backend.denseForward(tx, tw, tbias, tz, ta);
            assertWithin("denseForward z", z[0], z[1], backend.toHostDoubles(tz));
            assertWithin("denseForward a", a, aBound, backend.toHostDoubles(ta));
            assertSameBits("denseForward z", zExact, backend.toHostDoubles(tz));
            assertSameBits("denseForward a", aExact, backend.toHostDoubles(ta));
            backend.denseForward(tx, tw, tbias, null, ta);
            assertWithin("denseForward a without z", a, aBound, backend.toHostDoubles(ta));
            assertSameBits("denseForward a without z", aExact, backend.toHostDoubles(ta));
        }
    }

    /** denseBackward with batch m, in n, out k: dzPrev = (dz w) * aPrev (1 - aPrev). */
    private static void checkDenseBackward(Backend backend, DType dtype, int batch, int in, int out) {
        double[] dz = random(dtype, batch * out);
        double[] w = random(dtype, out * in);
        double[] aPrev = random(dtype, batch * in);
        double[][] g = host(false, false, batch, in, out, 1, dz, w, 0, null, dtype);
        for (int i = 0; i < g[0].length; i++) {
            double d = aPrev[i] * (1 - aPrev[i]);
            g[0][i] *= d;
            g[1][i] = Math.abs(d) * g[1][i] + 4 * dtype.unitRoundoff() * Math.abs(g[0][i]);
        }
        try (Tensor tdz = tensor(backend, dtype, batch, out, dz); Tensor tw = tensor(backend, dtype, out, in, w);
             Tensor ta = tensor(backend, dtype, batch, in, aPrev); Tensor prev = backend.zeros(dtype, batch, in)) {
            backend.denseBackward(tdz, tw, ta, prev);
            assertWithin("denseBackward", g[0], g[1], backend.toHostDoubles(prev));
            double[] exact = chain(dtype, false, false, batch, in, out, 1, dz, w, 0, null);
            for (int i = 0; i < exact.length; i++) {
                if (dtype == DType.FLOAT32) {
                    float ai = (float) aPrev[i];
                    exact[i] = (float) exact[i] * (ai * (1f - ai));
                } else {
                    exact[i] = exact[i] * (aPrev[i] * (1 - aPrev[i]));
                }
            }
            assertSameBits("denseBackward", exact, backend.toHostDoubles(prev));
        }
    }
}
