package dev.nabla.data;

import dev.nabla.tensor.DType;

/**
 * Inputs without targets (what prediction reads): [rows, inputs] row-major, stored in float32 or
 * float64. Immutable; safe to share between threads.
 */
public final class Features {
    private final HostValues x;

    Features(HostValues x) {
        this.x = x;
    }

    /** float32 inputs over the given row-major array (not copied). */
    public Features(int rows, int inputs, float[] values) {
        this(HostValues.of(rows, inputs, values));
    }

    /** float64 inputs over the given row-major array (not copied). */
    public Features(int rows, int inputs, double[] values) {
        this(HostValues.of(rows, inputs, values));
    }

    /** float32 inputs copied from one array per row. */
    public static Features of(float[][] rows) {
        return new Features(HostValues.copyOf(rows, "inputs"));
    }

    /** float64 inputs copied from one array per row. */
    public static Features of(double[][] rows) {
        return new Features(HostValues.copyOf(rows, "inputs"));
    }

    public int rows() {
        return x.rows;
    }

    public int inputs() {
        return x.cols;
    }

    public DType dtype() {
        return x.dtype();
    }

    public double value(int row, int input) {
        return x.get(row, input);
    }

    /** All values [rows, inputs] in float32: the stored array itself when float32 (do not modify it), else a rounded copy. */
    public float[] floatValues() {
        return x.floats();
    }

    /** All values in float64: the stored array itself when float64 (do not modify it), else a widened copy. */
    public double[] doubleValues() {
        return x.doubles();
    }

    /** Copies rows {@code [from, from+count)} into {@code out} [count, inputs] (rounding float64 values). */
    public void copyRows(int from, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            x.copyRow(from + i, out, i * x.cols);
        }
    }

    /** Copies rows {@code [from, from+count)} into {@code out} [count, inputs]. */
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
