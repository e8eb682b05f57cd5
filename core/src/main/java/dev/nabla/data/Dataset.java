package dev.nabla.data;

import dev.nabla.tensor.DType;

/**
 * Labelled examples held on the host, row-major: features [rows, inputs] and targets
 * [rows, outputs]. Values are stored in float32 (compact: the usual case) or float64 (for float64
 * training, so that the file's values reach the network unrounded); see {@link #dtype()}.
 * Mini-batches are gathered from here into reused backend tensors. Immutable (as long as nobody
 * modifies the arrays it was built over or hands out); safe to share between threads.
 *
 * <p>Made by {@link #of(float[][], float[][])} and the constructors, or read by {@link CsvLoader}
 * and {@link IdxLoader}. A data set has at least one row, input and output. Values are not checked
 * here (the loaders refuse NaN and infinities). Row and column indices are 0-based; accessors check
 * them only as far as Java's array bounds do.
 * <pre>{@code
 * Dataset xor = Dataset.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}},
 *                          new float[][] {{0}, {1}, {1}, {0}});
 * }</pre>
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
     * @param rows the number of examples
     * @param inputs the number of features per example
     * @param outputs the number of targets per example
     * @param features [rows, inputs], row-major
     * @param targets [rows, outputs], row-major
     * @throws IllegalArgumentException when a size is not positive or an array's length is not
     *                                  {@code rows * inputs} / {@code rows * outputs}
     */
    public Dataset(int rows, int inputs, int outputs, float[] features, float[] targets) {
        this(HostValues.of(rows, inputs, features), HostValues.of(rows, outputs, targets));
    }

    /**
     * A float64 data set over the given row-major arrays (not copied: do not modify them after).
     *
     * @param rows the number of examples
     * @param inputs the number of features per example
     * @param outputs the number of targets per example
     * @param features [rows, inputs], row-major
     * @param targets [rows, outputs], row-major
     * @throws IllegalArgumentException when a size is not positive or an array's length is not
     *                                  {@code rows * inputs} / {@code rows * outputs}
     */
    public Dataset(int rows, int inputs, int outputs, double[] features, double[] targets) {
        this(HostValues.of(rows, inputs, features), HostValues.of(rows, outputs, targets));
    }

    /**
     * A float32 data set copied from one array per example: {@code features[row]}, {@code targets[row]}.
     *
     * @param features one array of inputs per example, all of one length
     * @param targets one array of targets per example, all of one length
     * @return a new data set
     * @throws IllegalArgumentException if there are no rows, a row is null or of another length than
     *     row 0, a row is empty, or the row counts differ
     */
    public static Dataset of(float[][] features, float[][] targets) {
        return new Dataset(HostValues.copyOf(features, "features"), HostValues.copyOf(targets, "targets"));
    }

    /**
     * A float64 data set copied from one array per example.
     *
     * @param features one array of inputs per example, all of one length
     * @param targets one array of targets per example, all of one length
     * @return a new data set
     * @throws IllegalArgumentException if there are no rows, a row is null or of another length than
     *     row 0, a row is empty, or the row counts differ
     */
    public static Dataset of(double[][] features, double[][] targets) {
        return new Dataset(HostValues.copyOf(features, "features"), HostValues.copyOf(targets, "targets"));
    }

    /**
     * The number of examples.
     *
     * @return the rows, at least 1
     */
    public int rows() {
        return x.rows;
    }

    /**
     * The number of features per example: the network's input width.
     *
     * @return the inputs, at least 1
     */
    public int inputs() {
        return x.cols;
    }

    /**
     * The number of targets per example: the network's output width.
     *
     * @return the outputs, at least 1
     */
    public int outputs() {
        return y.cols;
    }

    /**
     * The precision the values are stored in.
     *
     * @return float32 or float64
     */
    public DType dtype() {
        return x.dtype();
    }

    /**
     * This data set stored in {@code dtype} (itself when it already is; float64 to float32 rounds).
     *
     * @param dtype the precision wanted
     * @return this data set, or a converted copy
     */
    public Dataset as(DType dtype) {
        return dtype == dtype() ? this : new Dataset(x.as(dtype), y.as(dtype));
    }

    /**
     * One feature value, exact in both precisions.
     *
     * @param row the example
     * @param input the feature, below {@link #inputs()} (not checked)
     * @return the value
     */
    public double feature(int row, int input) {
        return x.get(row, input);
    }

    /**
     * One target value, exact in both precisions.
     *
     * @param row the example
     * @param output the target, below {@link #outputs()} (not checked)
     * @return the value
     */
    public double target(int row, int output) {
        return y.get(row, output);
    }

    /**
     * The inputs alone (shares this data set's storage), e.g. for {@code Network.predict}.
     *
     * @return the features
     */
    public Features features() {
        return new Features(x);
    }

    /**
     * All features [rows, inputs] row-major in float32: the stored array itself when the data set is
     * float32 (read it, do not modify it), else a rounded copy.
     *
     * @return rows * inputs values
     */
    public float[] featureFloats() {
        return x.floats();
    }

    /**
     * All targets [rows, outputs] in float32, as {@link #featureFloats()}.
     *
     * @return rows * outputs values
     */
    public float[] targetFloats() {
        return y.floats();
    }

    /**
     * All features in float64: the stored array itself when the data set is float64 (do not modify
     * it), else a widened copy.
     *
     * @return rows * inputs values
     */
    public double[] featureDoubles() {
        return x.doubles();
    }

    /**
     * All targets in float64, as {@link #featureDoubles()}.
     *
     * @return rows * outputs values
     */
    public double[] targetDoubles() {
        return y.doubles();
    }

    /**
     * Copies the rows {@code order[from .. from+count)} into {@code xOut} [count, inputs] and
     * {@code yOut} [count, outputs] (rounding float64 values): how a shuffled mini-batch is
     * assembled without allocating.
     *
     * @param order row indices, e.g. an epoch's shuffled order
     * @param from the first position in {@code order}
     * @param count the number of rows to copy
     * @param xOut receives the features, from index 0
     * @param yOut receives the targets, from index 0
     * @throws ArrayIndexOutOfBoundsException if an index or an output array's length does not fit
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

    /**
     * As {@link #gather(int[], int, int, float[], float[])}, into float64 arrays (exact).
     *
     * @param order row indices
     * @param from the first position in {@code order}
     * @param count the number of rows to copy
     * @param xOut receives the features, from index 0
     * @param yOut receives the targets, from index 0
     * @throws ArrayIndexOutOfBoundsException if an index or an output array's length does not fit
     */
    public void gather(int[] order, int from, int count, double[] xOut, double[] yOut) {
        int in = inputs();
        int out = outputs();
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            x.copyRow(r, xOut, i * in);
            y.copyRow(r, yOut, i * out);
        }
    }

    /**
     * Copies rows {@code [from, from+count)} into {@code xOut} and {@code yOut} (rounding float64
     * values), from index 0.
     *
     * @param from the first row
     * @param count the number of rows
     * @param xOut receives [count, inputs]
     * @param yOut receives [count, outputs]
     * @throws ArrayIndexOutOfBoundsException if the rows or the output arrays do not fit
     */
    public void copyRows(int from, int count, float[] xOut, float[] yOut) {
        for (int i = 0; i < count; i++) {
            x.copyRow(from + i, xOut, i * inputs());
            y.copyRow(from + i, yOut, i * outputs());
        }
    }

    /**
     * Copies rows {@code [from, from+count)} into {@code xOut} and {@code yOut} (exact), from index 0.
     *
     * @param from the first row
     * @param count the number of rows
     * @param xOut receives [count, inputs]
     * @param yOut receives [count, outputs]
     * @throws ArrayIndexOutOfBoundsException if the rows or the output arrays do not fit
     */
    public void copyRows(int from, int count, double[] xOut, double[] yOut) {
        for (int i = 0; i < count; i++) {
            x.copyRow(from + i, xOut, i * inputs());
            y.copyRow(from + i, yOut, i * outputs());
        }
    }

    /**
     * The given rows, in the given order, as a new data set (copies; same precision). Rows may repeat.
     *
     * @param rowIndices the rows to take; at least one
     * @return a new data set of {@code rowIndices.length} rows
     * @throws IllegalArgumentException if an index is out of range or there is none
     */
    public Dataset select(int[] rowIndices) {
        for (int r : rowIndices) {
            if (r < 0 || r >= rows()) {
                throw new IllegalArgumentException("row " + r + " of a data set of " + rows() + " rows");
            }
        }
        return new Dataset(x.select(rowIndices), y.select(rowIndices));
    }

    /**
     * The rows {@code [from, to)} as a new data set (copies; same precision).
     *
     * @param from the first row
     * @param to the row after the last, above {@code from}
     * @return a new data set of {@code to - from} rows
     * @throws IllegalArgumentException if the range is empty or outside the data set
     */
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

    /**
     * Whether every target row is one-hot (one 1, the rest 0): then accuracy (argmax) is meaningful.
     *
     * @return true if every row is one-hot
     */
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

    /**
     * The first target outside [lo, hi] (or NaN) as "row R, target T is V", 1-based, or null when all
     * are inside; e.g. to check targets are in [0, 1] for {@code bce}.
     *
     * @param lo the smallest value allowed
     * @param hi the largest value allowed
     * @return the description of the first target outside, or null
     */
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

    /**
     * Whether both data sets hold the same values in the same precision and shape.
     *
     * @param other another data set
     * @return true if equal, value for value
     */
    public boolean contentEquals(Dataset other) {
        return x.contentEquals(other.x) && y.contentEquals(other.y);
    }

    @Override
    public String toString() {
        return "Dataset[" + rows() + " rows, " + inputs() + " -> " + outputs() + ", " + dtype() + "]";
    }
}
