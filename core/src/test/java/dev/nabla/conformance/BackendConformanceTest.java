package dev.nabla.conformance;

import dev.nabla.check.Tolerances;
import dev.nabla.data.Dataset;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.seeds.Seed002;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.EpochReport;
import dev.nabla.train.TrainingRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backend conformance suite, written once: every backend module extends this class with a
 * one-line {@link #createBackend()} and runs it unchanged.
 *
 * <p>It checks every operation on random inputs against float64 host math ({@link HostMath}) at
 * awkward shapes (1x1, 1xn, nx1, sizes that are not multiples of 8 or 16, every transpose pair,
 * beta != 0), the misuse errors, whole-network gradients against the {@code reference} backend and
 * against finite differences, and the seeds' worked numbers.
 *
 * <p>Error bounds for the operations are the classical worst-case rounding bounds: a sum of k
 * products is within (k + 3) u of sum |terms| in any summation order (u: the dtype's unit
 * roundoff), so the checks hold for blocked, vectorized and multithreaded kernels alike, while a
 * wrong index or a dropped term (errors of order one) cannot pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest {
    /** The backend under test. Called once per test class. */
    protected abstract Backend createBackend();

    protected Backend backend;
    protected Backend reference;
    private final SplittableRandom random = new SplittableRandom(20261122L);

    @BeforeAll
    void openBackends() {
        backend = createBackend();
        reference = Backends.create("reference");
    }

    @AfterAll
    void closeBackends() {
        if (backend != null) {
            backend.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private void assumeSupported(DType dtype) {
        assumeTrue(backend.dtypes().contains(dtype), backend.id() + " does not support " + dtype);
    }

    /** n random values in [lo, hi), already representable in the dtype so host math sees the same inputs. */
    protected double[] random(DType dtype, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = round(dtype, lo + (hi - lo) * random.nextDouble());
        }
        return v;
    }

    private static double round(DType dtype, double v) {
        return dtype == DType.FLOAT32 ? (double) (float) v : v;
    }

    protected Tensor tensor(DType dtype, int rows, int cols, double[] values) {
        Tensor t = backend.zeros(dtype, rows, cols);
        backend.copyFromHost(values, t);
        return t;
    }

    protected double[] host(Tensor t) {
        return t.backend().toHostDoubles(t);
    }

    /** Asserts |actual - expected| <= relative * scale + floor, element by element, naming the first failure. */
    private static void assertClose(String what, double[] expected, double[] actual, double[] scale,
                                    double relative, double floor) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double allowed = relative * scale[i] + floor;
            boolean ok = Double.isNaN(expected[i]) ? Double.isNaN(actual[i])
                    : Math.abs(actual[i] - expected[i]) <= allowed;
            if (!ok) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]
                        + " (allowed error " + allowed + ")");
            }
        }
    }

    private static double[] abs(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.abs(v[i]);
        }
        return r;
    }

    private static double u(DType dtype) {
        return dtype.unitRoundoff();
    }

    // ------------------------------------------------------------------ operations

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Operations {

        Stream<Arguments> gemmCases() {
            int[][] shapes = {
                {1, 1, 1}, {1, 7, 1}, {7, 1, 1}, {1, 1, 9}, {1, 13, 17}, {13, 1, 17}, {5, 3, 1},
                {3, 5, 7}, {8, 16, 16}, {16, 8, 32}, {15, 17, 31}, {33, 65, 17}, {64, 64, 64},
                {67, 129, 45}, {130, 33, 260}, {1, 300, 257}, {257, 3, 300}, {97, 101, 103},
            };
            double[][] alphaBeta = {{1, 0}, {-0.5, 1}, {2, -0.75}, {0.3, 0.5}};
            List<Arguments> cases = new ArrayList<>();
            int i = 0;
            for (DType dtype : DType.values()) {
                for (int[] s : shapes) {
                    for (boolean ta : new boolean[] {false, true}) {
                        for (boolean tb : new boolean[] {false, true}) {
                            double[] ab = alphaBeta[i++ % alphaBeta.length];
                            cases.add(Arguments.of(dtype, s[0], s[1], s[2], ta, tb, ab[0], ab[1]));
                        }
                    }
                }
            }
            return cases.stream();
        }

        @ParameterizedTest(name = "{0} m={1} n={2} k={3} transA={4} transB={5} alpha={6} beta={7}")
        @MethodSource("gemmCases")
        void gemmMatchesHostMath(DType dtype, int m, int n, int k, boolean transA, boolean transB,
                                 double alpha, double beta) {
            assumeSupported(dtype);
            double[] a = random(dtype, m * k, -1, 1);
            double[] b = random(dtype, k * n, -1, 1);
            double[] c = random(dtype, m * n, -1, 1);
            int aRows = transA ? k : m;
            int aCols = transA ? m : k;
            int bRows = transB ? n : k;
            int bCols = transB ? k : n;
            double[] bound = new double[m * n];
            double[] expected = HostMath.gemm(transA, transB, alpha, a, aCols, b, bCols, beta, c, m, n, k, bound);
            try (Tensor ta = tensor(dtype, aRows, aCols, a); Tensor tb = tensor(dtype, bRows, bCols, b);
                 Tensor tc = tensor(dtype, m, n, c)) {
                backend.gemm(transA, transB, alpha, ta, tb, beta, tc);
                assertClose("gemm", expected, host(tc), bound, (k + 3) * u(dtype), 0);
                // The inputs are untouched.
                assertArrayEquals(a, host(ta));
                assertArrayEquals(b, host(tb));
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void gemmWithBetaZeroIgnoresNaNsInTheOutput(DType dtype) {
            assumeSupported(dtype);
            int m = 9, n = 11, k = 5;
            double[] a = random(dtype, m * k, -1, 1);
            double[] b = random(dtype, k * n, -1, 1);
            double[] nan = new double[m * n];
            Arrays.fill(nan, Double.NaN);
            double[] bound = new double[m * n];
            double[] expected = HostMath.gemm(false, true, 1, a, k, b, k, 0, nan, m, n, k, bound);
            try (Tensor ta = tensor(dtype, m, k, a); Tensor tb = tensor(dtype, n, k, b); Tensor tc = tensor(dtype, m, n, nan)) {
                backend.gemm(false, true, 1, ta, tb, 0, tc);
                assertClose("gemm beta=0 over NaN", expected, host(tc), bound, (k + 3) * u(dtype), 0);
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void addRowVectorBroadcastsOverRowsAndWorksInPlace(DType dtype) {
            assumeSupported(dtype);
            for (int[] s : new int[][] {{1, 1}, {1, 17}, {19, 1}, {13, 37}, {64, 33}}) {
                int m = s[0], n = s[1];
                double[] x = random(dtype, m * n, -3, 3);
                double[] row = random(dtype, n, -3, 3);
                double[] expected = new double[m * n];
                double[] scale = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        expected[i * n + j] = x[i * n + j] + row[j];
                        scale[i * n + j] = Math.abs(x[i * n + j]) + Math.abs(row[j]);
                    }
                }
                try (Tensor tx = tensor(dtype, m, n, x); Tensor tr = tensor(dtype, 1, n, row);
                     Tensor out = backend.zeros(dtype, m, n)) {
                    backend.addRowVector(tx, tr, out);
                    assertClose("addRowVector", expected, host(out), scale, 2 * u(dtype), 0);
                    backend.addRowVector(tx, tr, tx);
                    assertClose("addRowVector in place", expected, host(tx), scale, 2 * u(dtype), 0);
                }
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void sigmoidIsAccurateAndSaturatesCleanly(DType dtype) {
            assumeSupported(dtype);
            double[] special = {0, -0.0, 1e-8, -1e-8, 0.5, -0.5, 5, -5, 15, -15, 17, -17, 20, -20, 36, -36, 40, -40,
                88, -88, 89, -89, 100, -100, 700, -700, 710, -710, 745, -745, 800, -800, 1e30, -1e30,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
            double[] randomPart = random(dtype, 203, -30, 30);
            double[] x = new double[special.length + randomPart.length];
            for (int i = 0; i < special.length; i++) {
                x[i] = dtype == DType.FLOAT32 ? (double) (float) special[i] : special[i];
            }
            System.arraycopy(randomPart, 0, x, special.length, randomPart.length);
            double[] expected = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = HostMath.sigmoid(x[i]);
            }
            try (Tensor tx = tensor(dtype, 1, x.length, x); Tensor out = backend.zeros(dtype, 1, x.length)) {
                backend.sigmoid(tx, out);
                double[] got = host(out);
                assertClose("sigmoid", expected, got, abs(expected), Tolerances.sigmoidRelative(dtype),
                        Tolerances.minNormal(dtype));
                for (int i = 0; i < got.length; i++) {
                    if (!Double.isNaN(x[i])) {
                        assertTrue(got[i] >= 0 && got[i] <= 1, "sigmoid(" + x[i] + ") = " + got[i] + " is outside [0, 1]");
                    }
                }
                backend.sigmoid(tx, tx);
                assertClose("sigmoid in place", expected, host(tx), abs(expected), Tolerances.sigmoidRelative(dtype),
                        Tolerances.minNormal(dtype));
            }
            // A 2-D shape whose size is not a multiple of any vector width.
            double[] y = random(dtype, 37 * 19, -10, 10);
            double[] ey = Arrays.stream(y).map(HostMath::sigmoid).toArray();
            try (Tensor ty = tensor(dtype, 37, 19, y); Tensor out = backend.zeros(dtype, 37, 19)) {
                backend.sigmoid(ty, out);
                assertClose("sigmoid 37x19", ey, host(out), abs(ey), Tolerances.sigmoidRelative(dtype), Tolerances.minNormal(dtype));
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void sigmoidBackwardMultipliesByTheDerivativeAndMayAlias(DType dtype) {
            assumeSupported(dtype);
            for (int[] s : new int[][] {{1, 1}, {3, 29}, {40, 17}}) {
                int n = s[0] * s[1];
                double[] g = random(dtype, n, -2, 2);
                double[] a = random(dtype, n, 0, 1);
                double[] expected = new double[n];
                for (int i = 0; i < n; i++) {
                    expected[i] = g[i] * a[i] * (1 - a[i]);
                }
                try (Tensor tg = tensor(dtype, s[0], s[1], g); Tensor ta = tensor(dtype, s[0], s[1], a);
                     Tensor out = backend.zeros(dtype, s[0], s[1])) {
                    backend.sigmoidBackward(tg, ta, out);
                    assertClose("sigmoidBackward", expected, host(out), abs(expected), 4 * u(dtype), Tolerances.minNormal(dtype));
                    backend.sigmoidBackward(tg, ta, tg);
                    assertClose("sigmoidBackward into g", expected, host(tg), abs(expected), 4 * u(dtype), Tolerances.minNormal(dtype));
                    backend.copyFromHost(g, tg);
                    backend.sigmoidBackward(tg, ta, ta);
                    assertClose("sigmoidBackward into a", expected, host(ta), abs(expected), 4 * u(dtype), Tolerances.minNormal(dtype));
                }
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void columnSumsAddTheRows(DType dtype) {
            assumeSupported(dtype);
            for (int[] s : new int[][] {{1, 1}, {1, 23}, {23, 1}, {129, 17}, {7, 300}}) {
                int m = s[0], n = s[1];
                double[] x = random(dtype, m * n, -1, 1);
                double[] expected = new double[n];
                double[] scale = new double[n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        expected[j] += x[i * n + j];
                        scale[j] += Math.abs(x[i * n + j]);
                    }
                }
                try (Tensor tx = tensor(dtype, m, n, x); Tensor out = tensor(dtype, 1, n, random(dtype, n, 5, 6))) {
                    backend.columnSums(tx, out);
                    assertClose("columnSums " + m + "x" + n, expected, host(out), scale, (m + 2) * u(dtype), 0);
                }
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void axpyAndScale(DType dtype) {
            assumeSupported(dtype);
            for (int[] s : new int[][] {{1, 1}, {5, 31}, {33, 65}}) {
                int n = s[0] * s[1];
                double[] x = random(dtype, n, -1, 1);
                double[] y = random(dtype, n, -1, 1);
                double alpha = -0.37;
                double[] expected = new double[n];
                double[] scale = new double[n];
                for (int i = 0; i < n; i++) {
                    expected[i] = y[i] + alpha * x[i];
                    scale[i] = Math.abs(y[i]) + Math.abs(alpha * x[i]);
                }
                try (Tensor tx = tensor(dtype, s[0], s[1], x); Tensor ty = tensor(dtype, s[0], s[1], y)) {
                    backend.axpy(alpha, tx, ty);
                    assertClose("axpy", expected, host(ty), scale, 3 * u(dtype), 0);
                    backend.scale(2.5, ty);
                    double[] scaled = Arrays.stream(expected).map(v -> 2.5 * v).toArray();
                    double[] scaledScale = Arrays.stream(scale).map(v -> 2.5 * v).toArray();
                    assertClose("scale", scaled, host(ty), scaledScale, 5 * u(dtype), 0);
                    assertArrayEquals(x, host(tx), "axpy leaves x alone");
                }
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void lossesAndTheirGradients(DType dtype) {
            assumeSupported(dtype);
            for (int[] s : new int[][] {{1, 1}, {1, 10}, {13, 1}, {37, 10}, {128, 3}}) {
                int batch = s[0], n = s[0] * s[1];
                double[] z = random(dtype, n, -8, 8);
                z[0] = round(dtype, 40); // saturated outputs must still give a finite BCE
                if (n > 1) {
                    z[1] = round(dtype, -40);
                }
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = round(dtype, HostMath.sigmoid(z[i]));
                }
                double[] y = random(dtype, n, 0, 1);
                if (n > 1) {
                    y[0] = 0;
                    y[1] = 1;
                }
                double mse = HostMath.mse(a, y, batch);
                double bce = HostMath.bce(z, y, batch);
                double sumSq = 0;
                double sumBce = 0;
                for (int i = 0; i < n; i++) {
                    sumSq += (a[i] - y[i]) * (a[i] - y[i]);
                    sumBce += HostMath.softplus(z[i]) + Math.abs(y[i] * z[i]);
                }
                double fn = Tolerances.sigmoidRelative(dtype);
                double[] dzMse = new double[n];
                double[] dzBce = new double[n];
                for (int i = 0; i < n; i++) {
                    dzMse[i] = (a[i] - y[i]) * a[i] * (1 - a[i]) / batch;
                    dzBce[i] = (a[i] - y[i]) / batch;
                }
                try (Tensor tz = tensor(dtype, s[0], s[1], z); Tensor ta = tensor(dtype, s[0], s[1], a);
                     Tensor ty = tensor(dtype, s[0], s[1], y); Tensor dz = backend.zeros(dtype, s[0], s[1])) {
                    double gotMse = backend.loss(Loss.MSE, null, ta, ty);
                    assertEquals(mse, gotMse, (n + 4) * u(dtype) * sumSq / (2.0 * batch) + 1e-300, "mse");
                    double gotBce = backend.loss(Loss.BCE, tz, ta, ty);
                    assertTrue(Double.isFinite(gotBce), "bce is finite for saturated outputs");
                    assertEquals(bce, gotBce, (fn + (n + 4) * u(dtype)) * sumBce / batch, "bce");

                    backend.lossGradient(Loss.MSE, ta, ty, dz);
                    assertClose("mse gradient", dzMse, host(dz), abs(dzMse), 6 * u(dtype), Tolerances.minNormal(dtype));
                    backend.lossGradient(Loss.BCE, ta, ty, dz);
                    assertClose("bce gradient", dzBce, host(dz), abs(dzBce), 6 * u(dtype), Tolerances.minNormal(dtype));

                    assertEquals(gotMse, backend.lossAndGradient(Loss.MSE, tz, ta, ty, dz), 4 * u(dtype) * Math.abs(gotMse),
                            "fused mse");
                    assertClose("fused mse gradient", dzMse, host(dz), abs(dzMse), 6 * u(dtype), Tolerances.minNormal(dtype));
                    assertEquals(gotBce, backend.lossAndGradient(Loss.BCE, tz, ta, ty, dz), 4 * u(dtype) * Math.abs(gotBce),
                            "fused bce");
                    assertClose("fused bce gradient", dzBce, host(dz), abs(dzBce), 6 * u(dtype), Tolerances.minNormal(dtype));
                }
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void rowArgmaxTakesTheFirstMaximum(DType dtype) {
            assumeSupported(dtype);
            double[] x = {
                0.1, 0.9, 0.3,
                0.5, 0.5, 0.2,
                -1, -2, -0.5,
                7, 7, 7,
            };
            int[] out = new int[5];
            Arrays.fill(out, -1);
            try (Tensor t = tensor(dtype, 4, 3, x)) {
                backend.rowArgmax(t, out);
            }
            assertArrayEquals(new int[] {1, 0, 2, 0, -1}, out);
            int rows = 53, cols = 37;
            double[] r = random(dtype, rows * cols, -1, 1);
            int[] got = new int[rows];
            try (Tensor t = tensor(dtype, rows, cols, r)) {
                backend.rowArgmax(t, got);
            }
            for (int i = 0; i < rows; i++) {
                int best = 0;
                for (int j = 1; j < cols; j++) {
                    if (r[i * cols + j] > r[i * cols + best]) {
                        best = j;
                    }
                }
                assertEquals(best, got[i], "argmax of row " + i);
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void hostCopiesRoundTripAndConvert(DType dtype) {
            assumeSupported(dtype);
            double[] d = {Math.PI, -1e-7, 1e20, 0.1, -0.0, 3};
            try (Tensor t = backend.zeros(dtype, 2, 3)) {
                assertArrayEquals(new double[6], host(t), "zeros are zero");
                backend.copyFromHost(d, t);
                double[] back = host(t);
                for (int i = 0; i < d.length; i++) {
                    assertEquals(round(dtype, d[i]), back[i], 0.0, "double -> " + dtype + " -> double");
                }
                float[] f = {1.5f, -2.25f, 1e-30f, 7f, 0.1f, -3f};
                backend.copyFromHost(f, t);
                float[] fb = backend.toHostFloats(t);
                assertArrayEquals(f, fb, 0f, "float -> " + dtype + " -> float is exact");
                float[] padded = new float[10];
                backend.copyToHost(t, padded, 3);
                assertArrayEquals(new float[] {0, 0, 0, 1.5f, -2.25f, 1e-30f, 7f, 0.1f, -3f, 0}, padded, 0f);
                double[] src = {9, 9, 1, 2, 3, 4, 5, 6};
                backend.copyFromHost(src, 2, t);
                assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, host(t), 0.0, "copy from an offset");
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void denseForwardWithAndWithoutLogits(DType dtype) {
            assumeSupported(dtype);
            for (int[] s : new int[][] {{1, 1, 1}, {1, 9, 5}, {17, 3, 1}, {33, 20, 13}, {64, 70, 31}}) {
                int batch = s[0], in = s[1], out = s[2];
                double[] x = random(dtype, batch * in, -1, 1);
                double[] w = random(dtype, out * in, -1, 1);
                double[] b = random(dtype, out, -1, 1);
                double[] bound = new double[batch * out];
                double[] z = HostMath.gemm(false, true, 1, x, in, w, in, 0, null, batch, out, in, bound);
                double[] a = new double[z.length];
                double[] aBound = new double[z.length];
                for (int i = 0; i < batch; i++) {
                    for (int j = 0; j < out; j++) {
                        int idx = i * out + j;
                        z[idx] += b[j];
                        bound[idx] += Math.abs(b[j]);
                        a[idx] = HostMath.sigmoid(z[idx]);
                        // |d sigmoid| <= a(1-a) |dz|, plus the sigmoid's own error.
                        aBound[idx] = a[idx] * (1 - a[idx]) * (in + 4) * u(dtype) * bound[idx]
                                + Tolerances.sigmoidRelative(dtype) * a[idx];
                    }
                }
                double[] ones = new double[z.length];
                Arrays.fill(ones, 1);
                try (Tensor tx = tensor(dtype, batch, in, x); Tensor tw = tensor(dtype, out, in, w);
                     Tensor tb = tensor(dtype, 1, out, b); Tensor tz = backend.zeros(dtype, batch, out);
                     Tensor ta = backend.zeros(dtype, batch, out)) {
                    backend.denseForward(tx, tw, tb, tz, ta);
                    assertClose("denseForward z", z, host(tz), bound, (in + 4) * u(dtype), 0);
                    assertClose("denseForward a", a, host(ta), ones, 0, 0, aBound);
                    backend.scale(0, ta);
                    backend.denseForward(tx, tw, tb, null, ta);
                    assertClose("denseForward a (no z)", a, host(ta), ones, 0, 0, aBound);
                }
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void denseBackwardChainsThroughTheSavedActivations(DType dtype) {
            assumeSupported(dtype);
            for (int[] s : new int[][] {{1, 1, 1}, {1, 9, 5}, {17, 3, 1}, {33, 20, 13}, {64, 31, 70}}) {
                int batch = s[0], in = s[1], out = s[2];
                double[] dz = random(dtype, batch * out, -1, 1);
                double[] w = random(dtype, out * in, -1, 1);
                double[] aPrev = random(dtype, batch * in, 0, 1);
                double[] bound = new double[batch * in];
                double[] g = HostMath.gemm(false, false, 1, dz, out, w, in, 0, null, batch, in, out, bound);
                double[] expected = new double[g.length];
                for (int i = 0; i < g.length; i++) {
                    double d = aPrev[i] * (1 - aPrev[i]);
                    expected[i] = g[i] * d;
                    bound[i] *= d;
                }
                try (Tensor tdz = tensor(dtype, batch, out, dz); Tensor tw = tensor(dtype, out, in, w);
                     Tensor ta = tensor(dtype, batch, in, aPrev); Tensor prev = backend.zeros(dtype, batch, in)) {
                    backend.denseBackward(tdz, tw, ta, prev);
                    assertClose("denseBackward", expected, host(prev), bound, (out + 6) * u(dtype), Tolerances.minNormal(dtype));
                }
            }
        }

        @ParameterizedTest
        @EnumSource(DType.class)
        void sgdUpdateWithAndWithoutMomentum(DType dtype) {
            assumeSupported(dtype);
            int rows = 7, cols = 45, n = rows * cols;
            double lr = 0.3, mu = 0.9;
            double[] p = random(dtype, n, -1, 1);
            double[] g = random(dtype, n, -1, 1);
            double[] v = random(dtype, n, -1, 1);
            double[] plain = new double[n];
            double[] plainScale = new double[n];
            double[] vNext = new double[n];
            double[] velocityScale = new double[n];
            double[] withMomentum = new double[n];
            double[] momentumScale = new double[n];
            for (int i = 0; i < n; i++) {
                plain[i] = p[i] - lr * g[i];
                plainScale[i] = Math.abs(p[i]) + Math.abs(lr * g[i]);
                vNext[i] = mu * v[i] + g[i];
                velocityScale[i] = Math.abs(mu * v[i]) + Math.abs(g[i]);
                withMomentum[i] = p[i] - lr * vNext[i];
                momentumScale[i] = Math.abs(p[i]) + lr * (Math.abs(mu * v[i]) + Math.abs(g[i]));
            }
            try (Tensor tp = tensor(dtype, rows, cols, p); Tensor tg = tensor(dtype, rows, cols, g);
                 Tensor tv = tensor(dtype, rows, cols, v)) {
                backend.sgdUpdate(tp, tg, null, lr, 0);
                assertClose("sgd", plain, host(tp), plainScale, 3 * u(dtype), 0);
                backend.copyFromHost(p, tp);
                backend.sgdUpdate(tp, tg, tv, lr, mu);
                assertClose("sgd velocity", vNext, host(tv), velocityScale, 3 * u(dtype), 0);
                assertClose("sgd with momentum", withMomentum, host(tp), momentumScale, 6 * u(dtype), 0);
                assertArrayEquals(g, host(tg), "the gradient is not modified");
            }
        }
    }

    /** assertClose with a per-element absolute allowance {@code extra} on top of relative * scale + floor. */
    private static void assertClose(String what, double[] expected, double[] actual, double[] scale, double relative,
                                    double floor, double[] extra) {
        double[] widened = new double[scale.length];
        for (int i = 0; i < scale.length; i++) {
            widened[i] = relative * scale[i] + extra[i];
        }
        assertClose(what, expected, actual, widened, 1, floor);
    }

    // ------------------------------------------------------------------ misuse

    @Nested
    class Misuse {
        private final DType dtype = backend.dtypes().contains(DType.FLOAT32) ? DType.FLOAT32 : DType.FLOAT64;

        @Test
        void gemmShapeMismatchNamesBothShapes() {
            try (Tensor a = backend.zeros(dtype, 3, 4); Tensor b = backend.zeros(dtype, 5, 6);
                 Tensor c = backend.zeros(dtype, 3, 6)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> backend.gemm(false, false, 1, a, b, 0, c));
                assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 6]"), e.getMessage());
                IllegalArgumentException wrongOut = assertThrows(IllegalArgumentException.class,
                        () -> backend.gemm(false, true, 1, a, b, 0, c));
                assertTrue(wrongOut.getMessage().contains("[3, 4]") && wrongOut.getMessage().contains("[6, 5]"),
                        wrongOut.getMessage());
            }
        }

        @Test
        void elementwiseShapeMismatchNamesBothShapes() {
            try (Tensor x = backend.zeros(dtype, 2, 3); Tensor out = backend.zeros(dtype, 3, 2);
                 Tensor row = backend.zeros(dtype, 1, 4)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.sigmoid(x, out));
                assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
                IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                        () -> backend.addRowVector(x, row, x));
                assertTrue(r.getMessage().contains("[1, 4]") && r.getMessage().contains("[2, 3]"), r.getMessage());
                assertThrows(IllegalArgumentException.class, () -> backend.columnSums(x, row));
                assertThrows(IllegalArgumentException.class, () -> backend.axpy(1, x, out));
            }
        }

        @Test
        void dtypeMismatchNamesBothDtypes() {
            assumeTrue(backend.dtypes().size() > 1);
            try (Tensor f = backend.zeros(DType.FLOAT32, 2, 2); Tensor d = backend.zeros(DType.FLOAT64, 2, 2)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.axpy(1, f, d));
                assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
            }
        }

        @Test
        void tensorsOfAnotherBackendAreRejected() {
            try (Backend other = Backends.create("reference");
                 Tensor mine = backend.zeros(dtype, 2, 2); Tensor theirs = other.zeros(dtype, 2, 2)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> backend.axpy(1, theirs, mine));
                assertTrue(e.getMessage().contains("belongs to backend 'reference'"), e.getMessage());
            }
        }

        @Test
        void closedTensorsAndBackendsAreRejected() {
            Tensor t = backend.zeros(dtype, 2, 2);
            t.close();
            t.close(); // idempotent
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.scale(2, t));
            assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("[2, 2]"), e.getMessage());
            Backend extra = createBackend();
            Tensor u = extra.zeros(dtype, 1, 1);
            extra.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> extra.scale(2, u));
            assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
            assertThrows(IllegalStateException.class, () -> extra.zeros(dtype, 1, 1));
        }

        @Test
        void badAllocationsAndHostCopiesAreRejected() {
            assertThrows(IllegalArgumentException.class, () -> backend.zeros(dtype, 0, 3));
            assertThrows(IllegalArgumentException.class, () -> backend.zeros(dtype, 3, -1));
            try (Tensor t = backend.zeros(dtype, 2, 3)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> backend.copyFromHost(new double[5], t));
                assertTrue(e.getMessage().contains("5") && e.getMessage().contains("[2, 3]"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> backend.copyFromHost(new float[7], 2, t));
                assertThrows(IllegalArgumentException.class, () -> backend.copyToHost(t, new double[6], 1));
            }
        }

        @Test
        void outputsMayNotAliasInputsWhereThatWouldCorruptThem() {
            try (Tensor a = backend.zeros(dtype, 3, 3); Tensor b = backend.zeros(dtype, 3, 3)) {
                assertThrows(IllegalArgumentException.class, () -> backend.gemm(false, false, 1, a, b, 0, a));
                assertThrows(IllegalArgumentException.class, () -> backend.sgdUpdate(a, a, null, 0.1, 0));
                assertThrows(IllegalArgumentException.class, () -> backend.sgdUpdate(a, b, null, 0.1, 0.5));
                assertThrows(IllegalArgumentException.class, () -> backend.sgdUpdate(a, b, null, Double.NaN, 0));
                assertThrows(IllegalArgumentException.class, () -> backend.sgdUpdate(a, b, null, -0.1, 0));
                // in place, the input gradient would overwrite the activations it still has to read
                try (Tensor w = backend.zeros(dtype, 3, 3)) {
                    assertThrows(IllegalArgumentException.class, () -> backend.denseBackward(b, w, a, a));
                }
                // a logits tensor of the wrong shape is refused even where the loss does not read it
                try (Tensor z = backend.zeros(dtype, 2, 3)) {
                    assertThrows(IllegalArgumentException.class, () -> backend.loss(Loss.MSE, z, a, b));
                }
            }
        }

        @Test
        void networkRejectsAnInputOfTheWrongWidth() {
            try (Network net = new Network(backend, dtype, Loss.MSE, Parameters.xavierUniform(1, 4, 3, 2));
                 Tensor x = backend.zeros(dtype, 5, 3)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(x));
                assertTrue(e.getMessage().contains("[5, 3]") && e.getMessage().contains("4 inputs"), e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ whole networks

    Stream<Arguments> networkCases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] shapes = {
            {new int[] {1, 1, 1}, 1},
            {new int[] {3, 5, 2}, 1},
            {new int[] {7, 16, 9, 3}, 13},
            {new int[] {20, 33, 17, 5}, 64},
            {new int[] {9, 4}, 6},
            {new int[] {31, 64, 10}, 100},
        };
        for (DType dtype : DType.values()) {
            for (Loss loss : Loss.values()) {
                for (Object[] s : shapes) {
                    cases.add(Arguments.of(dtype, loss, s[0], s[1]));
                }
            }
        }
        return cases.stream();
    }

    /** Random inputs and targets for a network; targets are one-hot for bce, in (0, 1) for mse. */
    private double[][] batch(DType dtype, int[] sizes, int batch, Loss loss) {
        int out = sizes[sizes.length - 1];
        double[] x = random(dtype, batch * sizes[0], -1, 1);
        double[] y = random(dtype, batch * out, 0, 1);
        if (loss == Loss.BCE) {
            Arrays.fill(y, 0);
            for (int r = 0; r < batch; r++) {
                y[r * out + random.nextInt(out)] = 1;
            }
        }
        return new double[][] {x, y};
    }

    /** Xavier weights plus non-zero biases, so every gradient path is exercised. */
    private Parameters randomParameters(int[] sizes) {
        Parameters p = Parameters.xavierUniform(random.nextLong(), sizes);
        for (int l = 0; l < p.layers(); l++) {
            double[] b = p.bias(l);
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextDouble() - 0.5;
            }
        }
        return p;
    }

    private static double lossAndGradients(Backend on, DType dtype, Parameters params, double[][] data, int batch,
                                           Loss loss, Parameters gradientsOut) {
        int[] sizes = params.sizes();
        try (Network net = new Network(on, dtype, loss, params);
             Tensor x = on.zeros(dtype, batch, sizes[0]); Tensor y = on.zeros(dtype, batch, sizes[sizes.length - 1])) {
            on.copyFromHost(data[0], x);
            on.copyFromHost(data[1], y);
            double value = net.computeGradients(x, y);
            Parameters g = net.gradients();
            for (int l = 0; l < g.layers(); l++) {
                System.arraycopy(g.weight(l), 0, gradientsOut.weight(l), 0, g.weight(l).length);
                System.arraycopy(g.bias(l), 0, gradientsOut.bias(l), 0, g.bias(l).length);
            }
            return value;
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} batch={3}")
    @MethodSource("networkCases")
    void networkGradientsMatchTheReferenceBackend(DType dtype, Loss loss, int[] sizes, int batchSize) {
        assumeSupported(dtype);
        Parameters params = randomParameters(sizes);
        double[][] data = batch(dtype, sizes, batchSize, loss);
        Parameters expected = Parameters.zeros(sizes);
        Parameters actual = Parameters.zeros(sizes);
        double expectedLoss = lossAndGradients(reference, dtype, params, data, batchSize, loss, expected);
        double actualLoss = lossAndGradients(backend, dtype, params, data, batchSize, loss, actual);
        double tol = Tolerances.gradient(dtype);
        assertEquals(expectedLoss, actualLoss, tol * Math.abs(expectedLoss), "loss");
        for (int l = 0; l < params.layers(); l++) {
            double dw = Tolerances.maxRelativeDifference(expected.weight(l), actual.weight(l));
            double db = Tolerances.maxRelativeDifference(expected.bias(l), actual.bias(l));
            assertTrue(dw <= tol, "layers." + l + ".weight gradient differs from reference by " + dw + " > " + tol);
            assertTrue(db <= tol, "layers." + l + ".bias gradient differs from reference by " + db + " > " + tol);
        }
    }

    Stream<Arguments> finiteDifferenceCases() {
        List<Arguments> cases = new ArrayList<>();
        Object[][] shapes = {
            {new int[] {1, 1, 1}, 1},
            {new int[] {2, 3, 1}, 1},
            {new int[] {4, 6, 3}, 5},
            {new int[] {3, 5, 4, 2}, 8},
            {new int[] {5, 7, 7, 6, 4}, 3},
        };
        for (Loss loss : Loss.values()) {
            for (Object[] s : shapes) {
                cases.add(Arguments.of(loss, s[0], s[1]));
            }
        }
        return cases.stream();
    }

    /**
     * Float64 analytic gradients against central differences (L(p + h) - L(p - h)) / 2h, h = 1e-5:
     * the truncation error (~h^2) and the rounding noise (~1e-16 / h) both stay far below the
     * tolerance of 1e-6 relative plus 1e-9 absolute.
     */
    @ParameterizedTest(name = "{0} {1} batch={2}")
    @MethodSource("finiteDifferenceCases")
    void float64GradientsMatchFiniteDifferences(Loss loss, int[] sizes, int batchSize) {
        assumeSupported(DType.FLOAT64);
        DType dtype = DType.FLOAT64;
        Parameters params = randomParameters(sizes);
        double[][] data = batch(dtype, sizes, batchSize, loss);
        Parameters analytic = Parameters.zeros(sizes);
        lossAndGradients(backend, dtype, params, data, batchSize, loss, analytic);
        double h = 1e-5;
        try (Network net = new Network(backend, dtype, loss, params);
             Tensor x = backend.zeros(dtype, batchSize, sizes[0]);
             Tensor y = backend.zeros(dtype, batchSize, sizes[sizes.length - 1])) {
            backend.copyFromHost(data[0], x);
            backend.copyFromHost(data[1], y);
            Parameters probe = params.copy();
            for (int l = 0; l < params.layers(); l++) {
                for (boolean isBias : new boolean[] {false, true}) {
                    double[] values = isBias ? probe.bias(l) : probe.weight(l);
                    double[] grads = isBias ? analytic.bias(l) : analytic.weight(l);
                    for (int i = 0; i < values.length; i++) {
                        double saved = values[i];
                        values[i] = saved + h;
                        net.setParameters(probe);
                        double plus = net.loss(x, y);
                        values[i] = saved - h;
                        net.setParameters(probe);
                        double minus = net.loss(x, y);
                        values[i] = saved;
                        double numeric = (plus - minus) / (2 * h);
                        double allowed = Tolerances.FINITE_DIFFERENCE_RELATIVE * Math.max(Math.abs(numeric), Math.abs(grads[i]))
                                + Tolerances.FINITE_DIFFERENCE_ABSOLUTE;
                        if (!(Math.abs(numeric - grads[i]) <= allowed)) {
                            fail("layers." + l + (isBias ? ".bias[" : ".weight[") + i + "]: analytic " + grads[i]
                                    + ", finite difference " + numeric);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void trainingWithMomentumFollowsTheReferenceBackend(DType dtype) throws Exception {
        assumeSupported(dtype);
        int[] sizes = {6, 11, 4};
        Dataset data = SyntheticTeacher.generate(7, 50, 6, 3, 4);
        Parameters start = Parameters.xavierUniform(3, sizes);
        TrainingRun run = TrainingRun.builder().learningRate(0.5).momentum(0.9).batchSize(16).epochs(3).seed(99)
                .build();
        Parameters[] results = new Parameters[2];
        Backend[] backends = {reference, backend};
        for (int i = 0; i < 2; i++) {
            try (Network net = new Network(backends[i], dtype, Loss.MSE, start)) {
                run.fit(net, data);
                results[i] = net.parameters();
            }
        }
        // Parameters are O(1) after 12 small steps; their differences stay at the gradient tolerance scale.
        double tol = 100 * Tolerances.gradient(dtype);
        for (int l = 0; l < results[0].layers(); l++) {
            double dw = Tolerances.maxRelativeDifference(results[0].weight(l), results[1].weight(l));
            assertTrue(dw <= tol, "layer " + l + " weights after training differ by " + dw);
        }
    }

    /**
     * float64 training sees the data as the file writes it: a CSV of 17-significant-digit values (none
     * exact in float32) is read in float64 and one full-batch SGD step is taken. The step must match an
     * independent float64 computation to ~1e-14 of its size; had the data been rounded to float32 on
     * the way, it would differ by ~1e-8 (checked too, so this test can tell).
     */
    @ParameterizedTest
    @EnumSource(Loss.class)
    void float64TrainingSeesTheFilesDigits(Loss loss, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeSupported(DType.FLOAT64);
        int rows = 37;
        int[] sizes = {5, 7, 3};
        double[] x = new double[rows * sizes[0]];
        double[] y = new double[rows * sizes[2]];
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < sizes[0]; i++) {
                x[r * sizes[0] + i] = random.nextDouble(-2, 2);
                csv.append(x[r * sizes[0] + i]).append(',');
            }
            int hot = random.nextInt(sizes[2]);
            for (int o = 0; o < sizes[2]; o++) {
                y[r * sizes[2] + o] = loss == Loss.BCE ? (o == hot ? 1 : 0) : random.nextDouble(0.05, 0.95);
                csv.append(y[r * sizes[2] + o]).append(o == sizes[2] - 1 ? "\n" : ",");
            }
        }
        java.nio.file.Path file = dir.resolve("digits17.csv");
        java.nio.file.Files.writeString(file, csv);
        Dataset data = dev.nabla.data.CsvLoader.load(file, dev.nabla.data.CsvFormat.defaults()
                .withTargetColumns(sizes[2]).withDtype(DType.FLOAT64));
        Parameters start = randomParameters(sizes);
        double lr = 0.7;
        try (Network net = new Network(backend, DType.FLOAT64, loss, start)) {
            TrainingRun.builder().learningRate(lr).batchSize(rows).epochs(1).shuffle(false).build().fit(net, data);
            Parameters expected = HostMath.sgdStep(start, x, y, rows, loss, lr);
            double[] rounded = x.clone();
            for (int i = 0; i < rounded.length; i++) {
                rounded[i] = (float) rounded[i];
            }
            Parameters fromFloat32 = HostMath.sgdStep(start, rounded, y, rows, loss, lr);
            Parameters actual = net.parameters();
            double worst = 0;
            double float32Worst = 0;
            for (int l = 0; l < start.layers(); l++) {
                worst = Math.max(worst, stepDifference(start.weight(l), expected.weight(l), actual.weight(l)));
                float32Worst = Math.max(float32Worst, stepDifference(start.weight(l), expected.weight(l),
                        fromFloat32.weight(l)));
            }
            assertTrue(worst <= 1e-13, "the float64 step differs from host float64 math by " + worst);
            assertTrue(float32Worst > 1e-10, "rounding the data to float32 should show (" + float32Worst + ")");
        }
    }

    /** max |actual step - expected step| / max |expected step|, the steps taken from {@code start}. */
    private static double stepDifference(double[] start, double[] expected, double[] actual) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < start.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i] - start[i]));
            diff = Math.max(diff, Math.abs((actual[i] - start[i]) - (expected[i] - start[i])));
        }
        return diff / scale;
    }

    // ------------------------------------------------------------------ the seeds' worked numbers

    @Nested
    class Seeds {
        /** Seed 002: gradients dL/dw2 = -0.0459 and dL/dw1 = -0.0070 at the initial weights, to 4 decimals. */
        @ParameterizedTest
        @EnumSource(DType.class)
        void seed002Gradients(DType dtype) {
            assumeSupported(dtype);
            try (Network net = new Network(backend, dtype, Loss.MSE, Seed002.initialParameters());
                 Tensor x = tensor(dtype, 1, 1, new double[] {Seed002.X});
                 Tensor y = tensor(dtype, 1, 1, new double[] {Seed002.Y})) {
                double loss = net.computeGradients(x, y);
                Parameters g = net.gradients();
                assertEquals(0.0633, loss, 0.00005, "seed 002 loss 0.0633");
                assertEquals(-0.0459, g.weight(1)[0], 0.00005, "seed 002 dL/dw2");
                assertEquals(-0.0070, g.weight(0)[0], 0.00005, "seed 002 dL/dw1");
                // The seed's bias formulas: dL/dw2 = dL/db2 * a_h and dL/dw1 = dL/db1 * x.
                double hidden = 1 / (1 + Math.exp(-(0.3 * Seed002.X + 0.1)));
                assertEquals(g.bias(1)[0] * hidden, g.weight(1)[0], 1e-6, "seed 002 dL/db2");
                assertEquals(g.bias(0)[0] * Seed002.X, g.weight(0)[0], 1e-6, "seed 002 dL/db1");
            }
        }

        /** Seed 002's Python program, printed digit for digit (float64). */
        @Test
        void seed002TrajectoryDigitForDigit() {
            assumeSupported(DType.FLOAT64);
            List<String> expected = List.of(
                    "Epoch 0, Loss: 0.063306, Prediction: 0.644173",
                    "Epoch 200, Loss: 0.001997, Prediction: 0.936796",
                    "Epoch 400, Loss: 0.000917, Prediction: 0.957166",
                    "Epoch 600, Loss: 0.000585, Prediction: 0.965799",
                    "Epoch 800, Loss: 0.000426, Prediction: 0.970806",
                    "Final prediction: 0.974146");
            assertEquals(expected, Seed002.run(backend, DType.FLOAT64));
        }

        /**
         * Seed 000's line fit: cost C = sum_i (y_i - (m x_i + c))^2 over (20, 300), (30, 650), (40, 500),
         * a plain sum of squares with no sigmoid. It maps onto the backend's linear algebra, which the
         * backward pass is made of: the residual r = X m^T + c - y (gemm, addRowVector, axpy); then
         * dC/dm = 2 r^T X (a transposed gemm, like dW) and dC/dc = 2 sum r (columnSums, like db). At
         * m = 1, c = 0 these are -85200 and -2720. (Nabla's mse is C / (2B), so its gradient is C's / 6.)
         */
        @ParameterizedTest
        @EnumSource(DType.class)
        void seed000LineFitGradients(DType dtype) {
            assumeSupported(dtype);
            try (Tensor x = tensor(dtype, 3, 1, new double[] {20, 30, 40});
                 Tensor y = tensor(dtype, 3, 1, new double[] {300, 650, 500});
                 Tensor m = tensor(dtype, 1, 1, new double[] {1});
                 Tensor c = tensor(dtype, 1, 1, new double[] {0});
                 Tensor r = backend.zeros(dtype, 3, 1);
                 Tensor dm = backend.zeros(dtype, 1, 1);
                 Tensor dc = backend.zeros(dtype, 1, 1)) {
                backend.gemm(false, true, 1, x, m, 0, r);
                backend.addRowVector(r, c, r);
                backend.axpy(-1, y, r);
                backend.gemm(true, false, 2, r, x, 0, dm);
                backend.columnSums(r, dc);
                backend.scale(2, dc);
                assertEquals(-85200, host(dm)[0], 0.0, "seed 000 dC/dm");
                assertEquals(-2720, host(dc)[0], 0.0, "seed 000 dC/dc");
                // One step at the seed's learning rate 0.01, by the formula (the seed's own step lines have typos).
                backend.sgdUpdate(m, dm, null, 0.01, 0);
                backend.sgdUpdate(c, dc, null, 0.01, 0);
                assertEquals(1 + 852, host(m)[0], 1e-9 * 853);
                assertEquals(27.2, host(c)[0], dtype == DType.FLOAT64 ? 1e-12 : 1e-5);
            }
        }

        /**
         * Seed 001: gradient descent on y = (x + 2)^2. The slope 2(x + 2) is 4 at x = 0 and -4 at
         * x = -4; stepping x against it with the backend's SGD update converges to the minimum x = -2.
         */
        @ParameterizedTest
        @EnumSource(DType.class)
        void seed001DescentOnAParabola(DType dtype) {
            assumeSupported(dtype);
            try (Tensor x = tensor(dtype, 1, 1, new double[] {0}); Tensor grad = backend.zeros(dtype, 1, 1)) {
                double[] slopes = new double[2];
                for (int step = 0; step < 100; step++) {
                    // grad = 2 (x + 2) = 2 x + 4, built from the backend's ops.
                    backend.copyFromHost(new double[] {4}, grad);
                    backend.axpy(2, x, grad);
                    if (step == 0) {
                        slopes[0] = host(grad)[0];
                    }
                    backend.sgdUpdate(x, grad, null, 0.1, 0);
                }
                assertEquals(-2, host(x)[0], 1e-6, "x converges to the minimum of (x + 2)^2");
                backend.copyFromHost(new double[] {-4}, x);
                backend.copyFromHost(new double[] {4}, grad);
                backend.axpy(2, x, grad);
                slopes[1] = host(grad)[0];
                assertArrayEquals(new double[] {4, -4}, slopes, 0.0, "the seed's slopes at x = 0 and x = -4");
            }
        }

        /**
         * Seed 001's proof: data labelled by a random teacher network is learned by a differently
         * shaped student; the loss must fall substantially.
         */
        @ParameterizedTest
        @EnumSource(DType.class)
        void studentLearnsTheTeacher(DType dtype) throws Exception {
            assumeSupported(dtype);
            Dataset data = SyntheticTeacher.generate(11, 512, 4, 6, 2);
            try (Network net = Network.builder().layers(4, 12, 8, 2).seed(5).dtype(dtype).build(backend)) {
                List<EpochReport> epochs = TrainingRun.builder().learningRate(2.0).momentum(0.9).batchSize(32)
                        .epochs(40).seed(1).build().fit(net, data).epochs();
                double first = epochs.get(0).loss();
                double last = epochs.get(epochs.size() - 1).loss();
                assertTrue(last < 0.2 * first, "loss fell from " + first + " to " + last + ": expected at least 5x");
            }
        }
    }
}
