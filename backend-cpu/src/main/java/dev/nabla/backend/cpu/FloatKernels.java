package dev.nabla.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 elementwise and reduction kernels of the `cpu` backend, on row-major arrays, each
 * over an element (or row) range so a caller can split the work across threads. The float64 twin
 * is generated from this file at build time (see the pom).
 */
final class FloatKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /**
     * Sums of squares and losses accumulate in vectors of this type for at most this many elements
     * before being added to a float64 total, bounding the float32 rounding error of long sums.
     */
    private static final int CHUNK = 4096;

    private FloatKernels() {
    }

    /** 1 / (1 + exp(-x)) lanewise; exp overflows to +inf for very negative x, giving exactly 0. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(x.neg().lanewise(VectorOperators.EXP).add(one));
    }

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /** out[i] = sigmoid(x[i]) for i in [from, to). */
    static void sigmoid(float[] x, float[] out, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            sigmoid(FloatVector.fromArray(S, x, i)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = sigmoid(x[i]);
        }
    }

    /** out[i] = g[i] * (a[i] * (1 - a[i])) for i in [from, to). */
    static void sigmoidBackward(float[] g, float[] a, float[] out, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, i);
            FloatVector.fromArray(S, g, i).mul(va.mul(va.neg().add(1f))).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = g[i] * (a[i] * (1f - a[i]));
        }
    }

    /** Rows [r0, r1) of out = x + row (row broadcast over the n columns). */
    static void addRowVector(float[] x, float[] row, float[] out, int n, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int o = r * n;
            int j = 0;
            for (; j <= n - L; j += L) {
                FloatVector.fromArray(S, x, o + j).add(FloatVector.fromArray(S, row, j)).intoArray(out, o + j);
            }
            for (; j < n; j++) {
                out[o + j] = x[o + j] + row[j];
            }
        }
    }

    /** Columns [c0, c1) of out (1 x n) = sums over the m rows of x. */
    static void columnSums(float[] x, int m, int n, float[] out, int c0, int c1) {
        int j = c0;
        for (; j <= c1 - L; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0; r < m; r++) {
                acc = acc.add(FloatVector.fromArray(S, x, r * n + j));
            }
            acc.intoArray(out, j);
        }
        for (; j < c1; j++) {
            float sum = 0f;
            for (int r = 0; r < m; r++) {
                sum += x[r * n + j];
            }
            out[j] = sum;
        }
    }

    /** y[i] += alpha * x[i] for i in [from, to). */
    static void axpy(float alpha, float[] x, float[] y, int from, int to) {
        int i = from;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (; i <= to - L; i += L) {
            FloatVector.fromArray(S, x, i).fma(va, FloatVector.fromArray(S, y, i)).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** x[i] *= alpha for i in [from, to). */
    static void scale(float alpha, float[] x, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector.fromArray(S, x, i).mul(alpha).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] *= alpha;
        }
    }

    /**
     * SGD on [from, to): p -= lr * g, or with velocity v: v = momentum * v + g; p -= lr * v. One pass
     * over the parameters instead of the two or three of the composed primitives.
     */
    static void sgdUpdate(float[] p, float[] g, float[] v, float lr, float momentum, int from, int to) {
        int i = from;
        FloatVector negLr = FloatVector.broadcast(S, -lr);
        if (v == null) {
            for (; i <= to - L; i += L) {
                FloatVector.fromArray(S, g, i).fma(negLr, FloatVector.fromArray(S, p, i)).intoArray(p, i);
            }
            for (; i < to; i++) {
                p[i] -= lr * g[i];
            }
        } else {
            FloatVector mu = FloatVector.broadcast(S, momentum);
            for (; i <= to - L; i += L) {
                FloatVector vv = FloatVector.fromArray(S, v, i).fma(mu, FloatVector.fromArray(S, g, i));
                vv.intoArray(v, i);
                vv.fma(negLr, FloatVector.fromArray(S, p, i)).intoArray(p, i);
            }
            for (; i < to; i++) {
                v[i] = momentum * v[i] + g[i];
                p[i] -= lr * v[i];
            }
        }
    }

    /** sum over [from, to) of (a - y)^2, in float64 across chunks. */
    static double sumSquaredError(float[] a, float[] y, int from, int to) {
        double total = 0;
        for (int start = from; start < to; start += CHUNK) {
            int end = Math.min(to, start + CHUNK);
            int i = start;
            FloatVector acc = FloatVector.zero(S);
            for (; i <= end - L; i += L) {
                FloatVector e = FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, y, i));
                acc = e.fma(e, acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; i < end; i++) {
                float e = a[i] - y[i];
                sum += e * e;
            }
            total += sum;
        }
        return total;
    }

    /** softplus(z) - y z = max(z, 0) + log1p(exp(-|z|)) - y z: binary cross-entropy from logits, no overflow. */
    static FloatVector crossEntropy(FloatVector z, FloatVector y) {
        FloatVector softplus = z.max(0f).add(z.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P));
        return softplus.sub(y.mul(z));
    }

    /** sum over [from, to) of the binary cross-entropy of logits z against targets y. */
    static double sumCrossEntropy(float[] z, float[] y, int from, int to) {
        double total = 0;
        for (int start = from; start < to; start += CHUNK) {
            int end = Math.min(to, start + CHUNK);
            int i = start;
            FloatVector acc = FloatVector.zero(S);
            for (; i <= end - L; i += L) {
                acc = acc.add(crossEntropy(FloatVector.fromArray(S, z, i), FloatVector.fromArray(S, y, i)));
            }
            double sum = acc.reduceLanes(VectorOperators.ADD);
            for (; i < end; i++) {
                double zi = z[i];
                sum += Math.max(zi, 0) + Math.log1p(Math.exp(-Math.abs(zi))) - y[i] * zi;
            }
            total += sum;
        }
        return total;
    }

    /** dz = (a - y) * a (1 - a) / batch on [from, to): the mse gradient through the output sigmoid. */
    static void mseGradient(float[] a, float[] y, float[] dz, float invBatch, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector va = FloatVector.fromArray(S, a, i);
            FloatVector e = va.sub(FloatVector.fromArray(S, y, i));
            e.mul(va.mul(va.neg().add(1f))).mul(invBatch).intoArray(dz, i);
        }
        for (; i < to; i++) {
            dz[i] = (a[i] - y[i]) * (a[i] * (1f - a[i])) * invBatch;
        }
    }

    /** dz = (a - y) / batch on [from, to): the bce gradient through the output sigmoid. */
    static void bceGradient(float[] a, float[] y, float[] dz, float invBatch, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, y, i)).mul(invBatch).intoArray(dz, i);
        }
        for (; i < to; i++) {
            dz[i] = (a[i] - y[i]) * invBatch;
        }
    }

    /** out[r] = index of the first largest value of row r, for rows [r0, r1). */
    static void rowArgmax(float[] x, int n, int[] out, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int o = r * n;
            int best = 0;
            float max = x[o];
            for (int j = 1; j < n; j++) {
                if (x[o + j] > max) {
                    max = x[o + j];
                    best = j;
                }
            }
            out[r] = best;
        }
    }
}
