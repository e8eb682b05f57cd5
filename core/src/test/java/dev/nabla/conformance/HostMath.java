package dev.nabla.conformance;

/**
 * Float64 host arithmetic that the conformance suite checks backends against: the textbook
 * definitions, row-major, no cleverness.
 */
public final class HostMath {
    private HostMath() {
    }

    /** Element (i, j) of op(X), X being rows x cols row-major. */
    static double at(double[] x, int cols, boolean trans, int i, int j) {
        return trans ? x[j * cols + i] : x[i * cols + j];
    }

    /**
     * C = alpha op(A) op(B) + beta C in float64, also returning (in {@code bound}) per element
     * |alpha| sum |a||b| + |beta||c|, the scale a rounding-error bound is relative to.
     */
    static double[] gemm(boolean transA, boolean transB, double alpha, double[] a, int aCols, double[] b,
                         int bCols, double beta, double[] c, int m, int n, int k, double[] bound) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double prod = at(a, aCols, transA, i, p) * at(b, bCols, transB, p, j);
                    sum += prod;
                    abs += Math.abs(prod);
                }
                double old = beta == 0 ? 0 : beta * c[i * n + j];
                out[i * n + j] = alpha * sum + old;
                bound[i * n + j] = Math.abs(alpha) * abs + Math.abs(old);
            }
        }
        return out;
    }

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }

    static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    static double mse(double[] a, double[] y, int batch) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - y[i]) * (a[i] - y[i]);
        }
        return sum / (2.0 * batch);
    }

    /** Binary cross-entropy from the logits z, as -[y log a + (1-y) log(1-a)] with a = sigmoid(z). */
    static double bce(double[] z, double[] y, int batch) {
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            sum += softplus(z[i]) - y[i] * z[i];
        }
        return sum / batch;
    }

    /**
     * One full-batch SGD step (no momentum) of a sigmoid network, in plain float64 loops: the
     * textbook forward pass, the loss's dLoss/dz, backpropagation, and p - lr * grad. Returns the new
     * parameters; {@code p} is not changed.
     */
    static dev.nabla.nn.Parameters sgdStep(dev.nabla.nn.Parameters p, double[] x, double[] y, int rows,
                                           dev.nabla.tensor.Loss loss, double lr) {
        int layers = p.layers();
        int[] sizes = p.sizes();
        dev.nabla.nn.Parameters next = p.copy();
        double[][] gw = new double[layers][];
        double[][] gb = new double[layers][];
        for (int l = 0; l < layers; l++) {
            gw[l] = new double[p.weight(l).length];
            gb[l] = new double[p.bias(l).length];
        }
        for (int r = 0; r < rows; r++) {
            double[][] a = new double[layers + 1][];
            a[0] = java.util.Arrays.copyOfRange(x, r * sizes[0], (r + 1) * sizes[0]);
            for (int l = 0; l < layers; l++) {
                int in = sizes[l];
                int out = sizes[l + 1];
                a[l + 1] = new double[out];
                for (int o = 0; o < out; o++) {
                    double z = p.bias(l)[o];
                    for (int i = 0; i < in; i++) {
                        z += p.weight(l)[o * in + i] * a[l][i];
                    }
                    a[l + 1][o] = sigmoid(z);
                }
            }
            int outputs = sizes[layers];
            double[] delta = new double[outputs];
            for (int o = 0; o < outputs; o++) {
                double ao = a[layers][o];
                double diff = ao - y[r * outputs + o];
                delta[o] = (loss == dev.nabla.tensor.Loss.MSE ? diff * ao * (1 - ao) : diff) / rows;
            }
            for (int l = layers - 1; l >= 0; l--) {
                int in = sizes[l];
                int out = sizes[l + 1];
                double[] prev = new double[in];
                for (int o = 0; o < out; o++) {
                    gb[l][o] += delta[o];
                    for (int i = 0; i < in; i++) {
                        gw[l][o * in + i] += delta[o] * a[l][i];
                        prev[i] += delta[o] * p.weight(l)[o * in + i];
                    }
                }
                for (int i = 0; i < in; i++) {
                    prev[i] *= a[l][i] * (1 - a[l][i]);
                }
                delta = prev;
            }
        }
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < gw[l].length; i++) {
                next.weight(l)[i] -= lr * gw[l][i];
            }
            for (int i = 0; i < gb[l].length; i++) {
                next.bias(l)[i] -= lr * gb[l][i];
            }
        }
        return next;
    }
}
