package dev.nabla.data;

import dev.nabla.tensor.DType;

/**
 * Inputs without targets (what prediction reads): [rows, inputs] row-major, stored in float32 or
 * float64. Immutable (as long as nobody modifies the arrays it was built over or hands out); safe to
 * share between threads. {@link Dataset#features()} gives a data set's inputs;
 * {@link CsvLoader#loadFeatures} reads them from a CSV file.
 */
public final class Features {
    private final HostValues x;

    Features(HostValues x) {
        this.x = x;
    }

    /**
     * float32 inputs over the given row-major array (not copied: do not modify it after).
     *
     * @param rows the number of examples, at least 1
     * @param inputs the number of values per example, at least 1
     * @param values [rows, inputs], row-major
     * @throws IllegalArgumentException if a size is not positive or the length is not rows * inputs
     */
    public Features(int rows, int inputs, float[] values) {
        this(HostValues.of(rows, inputs, values));
    }

    /**
     * float64 inputs over the given row-major array (not copied: do not modify it after).
     *
     * @param rows the number of examples, at least 1
     * @param inputs the number of values per example, at least 1
     * @param values [rows, inputs], row-major
     * @throws IllegalArgumentException if a size is not positive or the length is not rows * inputs
     */
    public Features(int rows, int inputs, double[] values) {
        this(HostValues.of(rows, inputs, values));
    }

    /**
     * float32 inputs copied from one array per row.
     *
     * @param rows one array per example, all of one non-zero length
     * @return new features
     * @throws IllegalArgumentException if there are no rows, or a row is null or of another length
     */
    public static Features of(float[][] rows) {
        return new Features(HostValues.copyOf(rows, "inputs"));
    }

    /**
     * float64 inputs copied from one array per row.
     *
     * @param rows one array per example, all of one non-zero length
     * @return new features
     * @throws IllegalArgumentException if there are no rows, or a row is null or of another length
     */
    public static Features of(double[][] rows) {
        return new Features(HostValues.copyOf(rows, "inputs"));
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
     * The number of values per example.
     *
     * @return the inputs, at least 1
     */
    public int inputs() {
        return x.cols;
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
     * One value, exact in both precisions.
     *
     * @param row the example
     * @param input the value's column, below {@link #inputs()} (not checked)
     * @return the value
     */
    public double value(int row, int input) {
        return x.get(row, input);
    }

    /**
     * All values [rows, inputs] in float32: the stored array itself when float32 (do not modify it),
     * else a rounded copy.
     *
     * @return rows * inputs values
     */
    public float[] floatValues() {
        return x.floats();
    }

    /**
     * All values in float64: the stored array itself when float64 (do not modify it), else a widened copy.
     *
     * @return rows * inputs values
     */
    public double[] doubleValues() {
        return x.doubles();
    }

    /**
     * Copies rows {@code [from, from+count)} into {@code out} [count, inputs] from index 0 (rounding
     * float64 values).
     *
     * @param from the first row
     * @param count the number of rows
     * @param out receives the values
     * @throws ArrayIndexOutOfBoundsException if the rows or {@code out} do not fit
     */
    public void copyRows(int from, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            x.copyRow(from + i, out, i * x.cols);
        }
    }

    /**
     * Copies rows {@code [from, from+count)} into {@code out} [count, inputs] from index 0 (exact).
     *
     * @param from the first row
     * @param count the number of rows
     * @param out receives the values
     * @throws ArrayIndexOutOfBoundsException if the rows or {@code out} do not fit
     */
    public void copyRows(int from, int count, double[] out) {
        for (int i = 0; i < count; i++) {
            x.copyRow(from + i, out, i * x.cols);
        }
    }

    @Override
    public String toString() {
        return "Features[" + rows() + " rows x " + inputs() + ", " + dtype() + "]";
    }
}
