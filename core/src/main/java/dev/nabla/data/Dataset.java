package dev.nabla.data;

import dev.nabla.tensor.DType;

/**
 * Labelled examples held on the host, row-major: features [rows, inputs] and targets
 * [rows, outputs]. Values are stored in float32 (compact: the usual case) or float64 (for float64
 * training, so that the file's values reach the network unrounded); see {@link #dtype()}.
 * Mini-batches are gathered from here into reused backend tensors. Immutable; safe to share
 * between threads.
 */
public final class Dataset {
    private final HostValues x;
    private final HostValues y;

    Dataset(HostValues x, HostValues y) {
        if (x.rows != y.rows) {
            throw new IllegalArgumentException("features have " + x.rows + " rows but targets " + y.rows);
        }
        if (x.dtype() != y.dtype()) {
            throw new IllegalArgumentException("features and targets must have the same precision");
        }
        this.x = x;
        this.y = y;
    }

    /**
     * A float32 data set over the given row-major arrays (not copied: do not modify them after).
     *
     * @throws IllegalArgumentException when a size is not positive or an array's length is not
     *                                  {@code rows * inputs} / {@code rows * outputs}
     */
    public Dataset(int rows, int inputs, int outputs, float[] features, float[] targets) {
        this(HostValues.of(rows, inputs, features), HostValues.of(rows, outputs, targets));
    }

    /** A float64 data set over the given row-major arrays (not copied: do not modify them after). */
    public Dataset(int rows, int inputs, int outputs, double[] features, double[] targets) {
        this(HostValues.of(rows, inputs, features), HostValues.of(rows, outputs, targets));
    }

    /** A float32 data set copied from one array per example: {@code features[row]}, {@code targets[row]}. */
    public static Dataset of(float[][] features, float[][] targets) {
        return new Dataset(HostValues.copyOf(features, "features"), HostValues.copyOf(targets, "targets"));
    }

    /** A float64 data set copied from one array per example. */
    public static Dataset of(double[][] features, double[][] targets) {
        return new Dataset(HostValues.copyOf(features, "features"), HostValues.copyOf(targets, "targets"));
    }

    public int rows() {
        return x.rows;
    }

    public int inputs() {
        return x.cols;
    }

    public int outputs() {
        return y.cols;
    }

    /** The precision the values are stored in. */
    public DType dtype() {
        return x.dtype();
    }

    /** This data set stored in {@code dtype} (itself when it already is; float64 to float32 rounds). */
    public Dataset as(DType dtype) {
        return dtype == dtype() ? this : new Dataset(x.as(dtype), y.as(dtype));
    }

    public double feature(int row, int input) {
        return x.get(row, input);
    }

    public double target(int row, int output) {
        return y.get(row, output);
    }

    /** The inputs alone (shares this data set's storage). */
    public Features features() {
        return new Features(x);
    }

    /**
     * All features [rows, inputs] row-major in float32: the stored array itself when the data set is
     * float32 (read it, do not modify it), else a rounded copy.
     */
    public float[] featureFloats() {
        return x.floats();
    }

    /** All targets [rows, outputs] in float32, as {@link #featureFloats()}. */
    public float[] targetFloats() {
        return y.floats();
    }

    /** All features in float64: the stored array itself when the data set is float64, else a widened copy. */
    public double[] featureDoubles() {
        return x.doubles();
    }

    /** All targets in float64, as {@link #featureDoubles()}. */
    public double[] targetDoubles() {
        return y.doubles();
    }

    /**
     * Copies the rows {@code order[from .. from+count)} into {@code xOut} [count, inputs] and
     * {@code yOut} [count, outputs] (rounding float64 values).
     */
    public void gather(int[] order, int from, int count, float[] xOut, float[] yOut) {
        int in = inputs();
        int out = outputs();
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            x.copyRow(r, xOut, i * in);
            y.copyRow(r, yOut, i * out);
        }
    }

    /** As {@link #gather(int[], int, int, float[], float[])}, into float64 arrays (exact). */
    public void gather(int[] order, int from, int count, double[] xOut, double[] yOut) {
        int in = inputs();
        int out = outputs();
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            x.copyRow(r, xOut, i * in);
            y.copyRow(r, yOut, i * out);
        }
    }

    /** Copies rows {@code [from, from+count)} into {@code xOut} and {@code yOut} (rounding float64 values). */
    public void copyRows(int from, int count, float[] xOut, float[] yOut) {
        for (int i = 0; i < count; i++) {
            x.copyRow(from + i, xOut, i * inputs());
            y.copyRow(from + i, yOut, i * outputs());
        }
    }

    /** Copies rows {@code [from, from+count)} into {@code xOut} and {@code yOut}. */
    public void copyRows(int from, int count, double[] xOut, double[] yOut) {
        for (int i = 0; i < count; i++) {
            x.copyRow(from + i, xOut, i * inputs());
            y.copyRow(from + i, yOut, i * outputs());
        }
    }

    /** The given rows, in the given order, as a new data set (copies). */
    public Dataset select(int[] rowIndices) {
        for (int r : rowIndices) {
            if (r < 0 || r >= rows()) {
                throw new IllegalArgumentException("row " + r + " of a data set of " + rows() + " rows");
            }
        }
        return new Dataset(x.select(rowIndices), y.select(rowIndices));
    }

    /** The rows {@code [from, to)} as a new data set (copies). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > rows() || from >= to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of a data set of " + rows() + " rows");
        }
        int[] rowIndices = new int[to - from];
        for (int i = 0; i < rowIndices.length; i++) {
            rowIndices[i] = from + i;
        }
        return new Dataset(x.select(rowIndices), y.select(rowIndices));
    }

    /** Whether every target row is one-hot (one 1, the rest 0): then accuracy (argmax) is meaningful. */
    public boolean isOneHot() {
        int outputs = outputs();
        for (int r = 0; r < rows(); r++) {
            int ones = 0;
            for (int o = 0; o < outputs; o++) {
                double t = y.get(r, o);
                if (t == 1) {
                    ones++;
                } else if (t != 0) {
                    return false;
                }
            }
            if (ones != 1) {
                return false;
            }
        }
        return true;
    }

    /** The first target outside [lo, hi] as "row R, target T is V", or null when all are inside. */
    public String firstTargetOutside(double lo, double hi) {
        for (int r = 0; r < rows(); r++) {
            for (int o = 0; o < outputs(); o++) {
                double t = y.get(r, o);
                if (!(t >= lo && t <= hi)) {
                    return "row " + (r + 1) + ", target " + (o + 1) + " is " + t;
                }
            }
        }
        return null;
    }

    /** Whether both data sets hold the same values in the same precision. */
    public boolean contentEquals(Dataset other) {
        return x.contentEquals(other.x) && y.contentEquals(other.y);
    }

    @Override
    public String toString() {
        return "Dataset[" + rows() + " rows, " + inputs() + " -> " + outputs() + ", " + dtype() + "]";
    }
}
