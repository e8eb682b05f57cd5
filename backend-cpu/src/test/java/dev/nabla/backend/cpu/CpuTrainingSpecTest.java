package dev.nabla.backend.cpu;

import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.nn.Sgd;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Training on the `cpu` backend ({@link Network}, {@link Sgd}, public API) equals, bit for bit, a
 * plain scalar Java implementation of the arithmetic the backend specifies: GEMM elements as one fma
 * chain over k in order, the bias added after, sigmoid by {@link LaneMath}'s exp, column sums row by
 * row, loss sums over 4096-element chunks in 16 virtual lanes, SGD as p = fma(g, -lr, p).
 *
 * <p>Nothing in that specification depends on the vector width, the blocking or the threads, and the
 * pom runs this test at 512, 256 and 128 bits: so a model trained on an AVX-512 machine has the
 * same bits as one trained on an AVX2 machine, and the reported losses too.
 */
class CpuTrainingSpecTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (Loss loss : Loss.values()) {
                cases.add(Arguments.of(dtype, loss, 0.0, 3, new int[] {37, 29, 10}));
                cases.add(Arguments.of(dtype, loss, 0.9, 2, new int[] {90, 70, 33, 10}));
            }
        }
        // Large enough for the parallel GEMM paths and a loss of more than one chunk.
        cases.add(Arguments.of(DType.FLOAT32, Loss.MSE, 0.5, 3, new int[] {150, 130, 200}));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} momentum={2} threads={3}")
    @MethodSource("cases")
    void trainingStepsMatchTheScalarSpecificationBitForBit(DType dtype, Loss loss, double momentum, int threads,
                                                           int[] sizes) {
        Parameters initial = Parameters.xavierUniform(5, sizes);
        int[] batches = {23, 23, 17};
        double lr = 0.7;
        double[][] xs = new double[batches.length][];
        double[][] ys = new double[batches.length][];
        for (int s = 0; s < batches.length; s++) {
            xs[s] = round(dtype, DeterminismWorkload.random(100 + s, batches[s] * sizes[0], 0, 1));
            ys[s] = round(dtype, DeterminismWorkload.random(200 + s, batches[s] * sizes[sizes.length - 1], 0, 1));
        }
        Spec spec = new Spec(dtype, sizes, initial, lr, momentum);
        try (Backend backend = new CpuBackend(threads, Blocking.FLOAT, Blocking.DOUBLE);
             Network net = new Network(backend, dtype, loss, initial);
             Sgd sgd = Sgd.builder().learningRate(lr).momentum(momentum).build()) {
            for (int s = 0; s < batches.length; s++) {
                double expectedLoss = spec.step(xs[s], ys[s], batches[s], loss);
                double actualLoss;
                try (Tensor x = backend.zeros(dtype, batches[s], sizes[0]);
                     Tensor y = backend.zeros(dtype, batches[s], sizes[sizes.length - 1])) {
                    backend.copyFromHost(xs[s], x);
                    backend.copyFromHost(ys[s], y);
                    actualLoss = net.computeGradients(x, y);
                    sgd.step(net);
                }
                if (Double.doubleToRawLongBits(expectedLoss) != Double.doubleToRawLongBits(actualLoss)) {
                    fail("step " + s + ": loss " + actualLoss + " but the specification gives " + expectedLoss);
                }
                Parameters p = net.parameters();
                for (int l = 0; l < sizes.length - 1; l++) {
                    same("step " + s + " layer " + l + " weight", spec.w[l], p.weight(l));
                    same("step " + s + " layer " + l + " bias", spec.b[l], p.bias(l));
                }
            }
        }
    }

    private static void same(String what, double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                fail(what + "[" + i + "] is " + actual[i] + " but the specification gives " + expected[i]);
            }
        }
    }

    private static double[] round(DType dtype, double[] v) {
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
        }
        return v;
    }

    /**
     * The specification in scalar code. Values are held as doubles; in float32 every operation's
     * result is rounded to float (for +, -, *, / a float64 result rounded to float32 is the float32
     * result, since 53 >= 2 * 24 + 2), and fma is Math.fma on floats.
     */
    static final class Spec {
        final boolean f32;
        final int[] sizes;
        final double[][] w;
        final double[][] b;
        final double[][] vw;
        final double[][] vb;
        final double lr;
        final double momentum;

        Spec(DType dtype, int[] sizes, Parameters initial, double lr, double momentum) {
            this.f32 = dtype == DType.FLOAT32;
            this.sizes = sizes;
            int layers = sizes.length - 1;
            w = new double[layers][];
            b = new double[layers][];
            vw = new double[layers][];
            vb = new double[layers][];
            for (int l = 0; l < layers; l++) {
                w[l] = r(initial.weight(l).clone());
                b[l] = r(initial.bias(l).clone());
                vw[l] = new double[w[l].length];
                vb[l] = new double[b[l].length];
            }
            this.lr = r(lr);
            this.momentum = r(momentum);
        }

        double r(double x) {
            return f32 ? (float) x : x;
        }

        double[] r(double[] v) {
            for (int i = 0; i < v.length; i++) {
                v[i] = r(v[i]);
            }
            return v;
        }

        double fma(double a, double b, double c) {
            return f32 ? Math.fma((float) a, (float) b, (float) c) : Math.fma(a, b, c);
        }

        double sigmoid(double z) {
            return f32 ? FloatKernels.sigmoid((float) z) : DoubleKernels.sigmoid(z);
        }

        double crossEntropy(double z, double y) {
            return f32 ? FloatKernels.crossEntropy((float) z, (float) y) : DoubleKernels.crossEntropy(z, y);
        }

        /** C [m, n] = op(A) op(B) as fma chains from 0; a(i, p) and b(p, j) index the operands. */
        double[] chain(int m, int n, int k, java.util.function.IntBinaryOperator aIdx, double[] a,
                       java.util.function.IntBinaryOperator bIdx, double[] bm) {
            double[] c = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int p = 0; p < k; p++) {
                        acc = fma(a[aIdx.applyAsInt(i, p)], bm[bIdx.applyAsInt(p, j)], acc);
                    }
                    c[i * n + j] = acc;
                }
            }
            return c;
        }

        /** One computeGradients + Sgd.step; returns the loss. */
        double step(double[] x, double[] y, int batch, Loss loss) {
            int layers = sizes.length - 1;
            double[][] act = new double[layers + 1][];
            act[0] = x;
            double[] logits = null;
            for (int l = 0; l < layers; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                double[] wl = w[l];
                double[] z = chain(batch, out, in, (i, p) -> i * in + p, act[l], (p, j) -> j * in + p, wl);
                double[] a = new double[z.length];
                for (int i = 0; i < z.length; i++) {
                    z[i] = r(z[i] + b[l][i % out]);
                    a[i] = sigmoid(z[i]);
                }
                act[l + 1] = a;
                logits = z;
            }
            double[] out = act[layers];
            double value = lossValue(loss, logits, out, y, batch);
            double inv = r(1.0 / batch);
            double[] delta = new double[out.length];
            for (int i = 0; i < out.length; i++) {
                double e = r(out[i] - y[i]);
                delta[i] = loss == Loss.MSE ? r(r(e * r(out[i] * r(1 - out[i]))) * inv) : r(e * inv);
            }
            double[][] gw = new double[layers][];
            double[][] gb = new double[layers][];
            for (int l = layers - 1; l >= 0; l--) {
                int in = sizes[l];
                int o = sizes[l + 1];
                double[] d = delta;
                double[] input = act[l];
                gw[l] = chain(o, in, batch, (i, p) -> p * o + i, d, (p, j) -> p * in + j, input);
                gb[l] = new double[o];
                for (int j = 0; j < o; j++) {
                    double sum = 0;
                    for (int row = 0; row < batch; row++) {
                        sum = r(sum + d[row * o + j]);
                    }
                    gb[l][j] = sum;
                }
                if (l > 0) {
                    double[] wl = w[l];
                    double[] prev = chain(batch, in, o, (i, p) -> i * o + p, d, (p, j) -> p * in + j, wl);
                    for (int i = 0; i < prev.length; i++) {
                        prev[i] = r(prev[i] * r(input[i] * r(1 - input[i])));
                    }
                    delta = prev;
                }
            }
            for (int l = 0; l < layers; l++) {
                update(w[l], gw[l], vw[l]);
                update(b[l], gb[l], vb[l]);
            }
            return value;
        }

        void update(double[] p, double[] g, double[] v) {
            for (int i = 0; i < p.length; i++) {
                if (momentum == 0) {
                    p[i] = fma(g[i], -lr, p[i]);
                } else {
                    v[i] = fma(v[i], momentum, g[i]);
                    p[i] = fma(v[i], -lr, p[i]);
                }
            }
        }

        /** Chunks of 4096, 16 virtual lanes each added from 0 up, then the tail; chunks added in float64. */
        double lossValue(Loss loss, double[] z, double[] a, double[] y, int batch) {
            double total = 0;
            int n = a.length;
            for (int start = 0; start < n; start += FloatKernels.CHUNK) {
                int end = Math.min(n, start + FloatKernels.CHUNK);
                int whole = start + (end - start) / 16 * 16;
                double[] lanes = new double[16];
                for (int i = start; i < whole; i++) {
                    lanes[(i - start) % 16] = term(loss, z, a, y, i, lanes[(i - start) % 16]);
                }
                double sum = 0;
                for (double lane : lanes) {
                    sum = r(sum + lane);
                }
                for (int i = whole; i < end; i++) {
                    sum = term(loss, z, a, y, i, sum);
                }
                total += sum;
            }
            return loss == Loss.MSE ? total / (2.0 * batch) : total / batch;
        }

        double term(Loss loss, double[] z, double[] a, double[] y, int i, double acc) {
            if (loss == Loss.MSE) {
                double e = r(a[i] - y[i]);
                return fma(e, e, acc);
            }
            return r(acc + crossEntropy(z[i], y[i]));
        }
    }
}
