package dev.nabla.check;

import dev.nabla.tensor.DType;

/**
 * The tolerances of the cross-checks (docs/design.md, "Tolerances"), in one place: the conformance
 * suite and {@code nabla gradcheck} judge by these numbers.
 */
public final class Tolerances {
    private Tolerances() {
    }

    /**
     * Two backends' gradients: max |g1 - g2| over a tensor, relative to the largest |g1| in it
     * (see {@link #maxRelativeDifference}).
     *
     * @param dtype the dtype of the computation
     * @return 1e-12 for float64, 1e-5 for float32
     */
    public static double gradient(DType dtype) {
        return dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
    }

    /** Analytic float64 gradients against central finite differences, relative. */
    public static final double FINITE_DIFFERENCE_RELATIVE = 1e-6;

    /** ... plus this absolute floor, for entries so small that differencing noise (~1e-11) dominates. */
    public static final double FINITE_DIFFERENCE_ABSOLUTE = 1e-9;

    /**
     * The vectorized sigmoid against float64 1/(1+exp(-x)), relative (the {@code cpu} backend promises this).
     *
     * @param dtype the dtype of the computation
     * @return 1e-14 for float64, 1e-6 for float32
     */
    public static double sigmoidRelative(DType dtype) {
        return dtype == DType.FLOAT64 ? 1e-14 : 1e-6;
    }

    /**
     * Smallest normal number of the dtype: the absolute floor below which relative error is meaningless.
     *
     * @param dtype the dtype
     * @return {@link Double#MIN_NORMAL} or {@link Float#MIN_NORMAL}
     */
    public static double minNormal(DType dtype) {
        return dtype == DType.FLOAT64 ? Double.MIN_NORMAL : Float.MIN_NORMAL;
    }

    /**
     * Largest relative difference of {@code actual} from {@code expected}, relative to max |expected|:
     * max |e - a| / max |e|, or the absolute max |e - a| when {@code expected} is all zeros.
     *
     * @param expected the reference values
     * @param actual the values to judge, at least as long as {@code expected}
     * @return the difference; infinity when NaN appears in one array but not at the same place in
     *     the other, NaN when both hold NaN at one place
     */
    public static double maxRelativeDifference(double[] expected, double[] actual) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
            if (Double.isNaN(actual[i]) != Double.isNaN(expected[i])) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return scale == 0 ? diff : diff / scale;
    }
}
