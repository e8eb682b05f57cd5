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
}
