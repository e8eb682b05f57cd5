package dev.nabla.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 elementwise and reduction kernels of the `cpu` backend, on row-major arrays, each
 * over an element (or row) range so a caller can split the work across threads. The float64 twin
 * is generated from this file at build time (see the pom).
 *
 * <p>Deterministic by construction: every element is computed by the same operations whether it
 * falls in a vector or in a scalar tail (the tails use {@link Math#fma} where the vectors fuse, and
 * {@link LaneMath} instead of the Vector API's EXP/LOG1P), so the result cannot depend on where a
 * thread's range starts or on the JIT tier; reductions run over fixed chunks of the whole array, and
 * their lanes are added in a fixed order.
 */
final class FloatKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /**
     * Sums of squares and losses accumulate in vectors of this type over chunks of this many
     * elements, at fixed offsets (chunk c is [c * CHUNK, (c + 1) * CHUNK) of the whole array), before
     * the chunks' sums are added in order in float64: the float32 rounding error of long sums stays
     * bounded, and the order of every addition is a function of the array's length only, whatever
     * the threads that compute the chunks. A multiple of every vector length.
     */
    static final int CHUNK = 4096;

    /**
     * Within a chunk, element i of each whole block of SUM_LANES elements accumulates into virtual
     * lane i, the virtual lanes are then added from 0 up, then the chunk's tail: the same order for
     * vectors of 4, 8 or 16 lanes (a vector covers SUM_LANES / L consecutive virtual lanes), so a
     * loss has the same bits on AVX-512, AVX2 and SSE machines.
     */
    static final int SUM_LANES = Math.max(16, L);

    private FloatKernels() {
    }

    /** 1 / (1 + exp(-x)) lanewise; exp overflows to +inf for very negative x, giving exactly 0. */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(LaneMath.exp(x.neg()).add(one));
    }

    /** One lane of {@link #sigmoid(FloatVector)}, bit for bit. */
    static float sigmoid(float x) {
        return 1f / (LaneMath.exp(-x) + 1f);
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
            y[i] = Math.fma(x[i], alpha, y[i]);
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
                p[i] = Math.fma(g[i], -lr, p[i]);
            }
        } else {
            FloatVector mu = FloatVector.broadcast(S, momentum);
            for (; i <= to - L; i += L) {
                FloatVector vv = FloatVector.fromArray(S, v, i).fma(mu, FloatVector.fromArray(S, g, i));
                vv.intoArray(v, i);
                vv.fma(negLr, FloatVector.fromArray(S, p, i)).intoArray(p, i);
            }
            for (; i < to; i++) {
                v[i] = Math.fma(v[i], momentum, g[i]);
                p[i] = Math.fma(v[i], -lr, p[i]);
            }
        }
    }

    /** Chunks of an array of n elements ({@link #CHUNK} each, the last one shorter). */
    static int chunks(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    /**
     * sums[c] = the sum of (a - y)^2 over chunk c of the n elements, for chunks [c0, c1): virtual
     * lanes (see {@link #SUM_LANES}) accumulate with fma, are added from lane 0 up, then the tail.
     */
    static void sumSquaredError(float[] a, float[] y, int n, double[] sums, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            int start = c * CHUNK;
            int end = Math.min(n, start + CHUNK);
            int i = start + (end - start) / SUM_LANES * SUM_LANES;
            float sum = 0f;
            for (int q = 0; q < SUM_LANES; q += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int v = start + q; v < i; v += SUM_LANES) {
                    FloatVector e = FloatVector.fromArray(S, a, v).sub(FloatVector.fromArray(S, y, v));
                    acc = e.fma(e, acc);
                }
                sum = LaneMath.addLanes(sum, acc);
            }
            for (; i < end; i++) {
                float e = a[i] - y[i];
                sum = Math.fma(e, e, sum);
            }
            sums[c] = sum;
        }
    }

    /** softplus(z) - y z = max(z, 0) + log1p(exp(-|z|)) - y z: binary cross-entropy from logits, no overflow. */
    static FloatVector crossEntropy(FloatVector z, FloatVector y) {
        FloatVector softplus = z.max(0f).add(LaneMath.log1pUnit(LaneMath.exp(z.abs().neg())));
        return softplus.sub(y.mul(z));
    }

    /** One lane of {@link #crossEntropy(FloatVector, FloatVector)}, bit for bit. */
    static float crossEntropy(float z, float y) {
        float softplus = Math.max(z, 0f) + LaneMath.log1pUnit(LaneMath.exp(-Math.abs(z)));
        return softplus - y * z;
    }

    /** sums[c] = the sum of the binary cross-entropy of logits z against targets y over chunk c, for chunks [c0, c1). */
    static void sumCrossEntropy(float[] z, float[] y, int n, double[] sums, int c0, int c1) {
        for (int c = c0; c < c1; c++) {
            int start = c * CHUNK;
            int end = Math.min(n, start + CHUNK);
            int i = start + (end - start) / SUM_LANES * SUM_LANES;
            float sum = 0f;
            for (int q = 0; q < SUM_LANES; q += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int v = start + q; v < i; v += SUM_LANES) {
                    acc = acc.add(crossEntropy(FloatVector.fromArray(S, z, v), FloatVector.fromArray(S, y, v)));
                }
                sum = LaneMath.addLanes(sum, acc);
            }
            for (; i < end; i++) {
                sum += crossEntropy(z[i], y[i]);
            }
            sums[c] = sum;
        }
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
