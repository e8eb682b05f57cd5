package dev.nabla.spark;

import dev.nabla.nn.Parameters;

/**
 * A network's parameters as one flat array, the unit Spark moves: per layer the weights [out, in]
 * row-major, then the biases [out], layer after layer.
 */
final class Flat {
    private Flat() {
    }

    static int length(int[] sizes) {
        long n = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            n += (long) sizes[l + 1] * sizes[l] + sizes[l + 1];
        }
        return Math.toIntExact(n);
    }

    /** {@code p} into {@code out[offset ..]}, each value times {@code scale}. */
    static void write(Parameters p, double scale, double[] out, int offset) {
        int k = offset;
        for (int l = 0; l < p.layers(); l++) {
            for (double v : p.weight(l)) {
                out[k++] = v * scale;
            }
            for (double v : p.bias(l)) {
                out[k++] = v * scale;
            }
        }
    }

    static double[] of(Parameters p) {
        double[] out = new double[length(p.sizes())];
        write(p, 1, out, 0);
        return out;
    }

    /** {@code p} rounded to float32 (exact for a float32 network's parameters). */
    static float[] floatsOf(Parameters p) {
        float[] out = new float[length(p.sizes())];
        int k = 0;
        for (int l = 0; l < p.layers(); l++) {
            for (double v : p.weight(l)) {
                out[k++] = (float) v;
            }
            for (double v : p.bias(l)) {
                out[k++] = (float) v;
            }
        }
        return out;
    }

    /** Fills {@code p} from {@code flat[offset ..]}, each value divided by {@code divisor} (one rounding). */
    static void read(double[] flat, int offset, double divisor, Parameters p) {
        int k = offset;
        for (int l = 0; l < p.layers(); l++) {
            double[] w = p.weight(l);
            for (int i = 0; i < w.length; i++) {
                w[i] = flat[k++] / divisor;
            }
            double[] b = p.bias(l);
            for (int i = 0; i < b.length; i++) {
                b[i] = flat[k++] / divisor;
            }
        }
    }

    static void read(float[] flat, Parameters p) {
        int k = 0;
        for (int l = 0; l < p.layers(); l++) {
            double[] w = p.weight(l);
            for (int i = 0; i < w.length; i++) {
                w[i] = flat[k++];
            }
            double[] b = p.bias(l);
            for (int i = 0; i < b.length; i++) {
                b[i] = flat[k++];
            }
        }
    }

    /** New parameters from {@code flat[offset ..]} divided by {@code divisor}. */
    static Parameters toParameters(double[] flat, int offset, double divisor, int[] sizes) {
        Parameters p = Parameters.zeros(sizes);
        read(flat, offset, divisor, p);
        return p;
    }
}
