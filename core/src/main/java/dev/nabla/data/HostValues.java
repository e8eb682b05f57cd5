package dev.nabla.data;

import dev.nabla.tensor.DType;

import java.util.Arrays;

/**
 * A row-major [rows, cols] block of host numbers in one of two precisions: exactly one of
 * {@link #f} (float32) and {@link #d} (float64) is non-null. Data sets keep float32 unless a run
 * asks for float64, so that float64 training sees the file's values without a float32 rounding.
 */
final class HostValues {
    final int rows;
    final int cols;
    final float[] f;
    final double[] d;

    private HostValues(int rows, int cols, float[] f, double[] d) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("a host block needs at least one row and one column, got [" + rows
                    + ", " + cols + "]");
        }
        long length = f != null ? f.length : d.length;
        if (length != (long) rows * cols) {
            throw new IllegalArgumentException("an array of " + length + " values cannot be [" + rows + ", " + cols
                    + "] (" + (long) rows * cols + " values)");
        }
        this.rows = rows;
        this.cols = cols;
        this.f = f;
        this.d = d;
    }

    static HostValues of(int rows, int cols, float[] values) {
        return new HostValues(rows, cols, values, null);
    }

    static HostValues of(int rows, int cols, double[] values) {
        return new HostValues(rows, cols, null, values);
    }

    /** Copies of the rows of a 2-D array, which must be rectangular. */
    static HostValues copyOf(float[][] rowsOfValues, String what) {
        int cols = width(rowsOfValues.length, rowsOfValues.length == 0 ? null : rowsOfValues[0], what);
        float[] flat = new float[Math.multiplyExact(rowsOfValues.length, cols)];
        for (int r = 0; r < rowsOfValues.length; r++) {
            checkRow(rowsOfValues[r] == null ? -1 : rowsOfValues[r].length, cols, r, what);
            System.arraycopy(rowsOfValues[r], 0, flat, r * cols, cols);
        }
        return new HostValues(rowsOfValues.length, cols, flat, null);
    }

    static HostValues copyOf(double[][] rowsOfValues, String what) {
        int cols = width(rowsOfValues.length, rowsOfValues.length == 0 ? null : rowsOfValues[0], what);
        double[] flat = new double[Math.multiplyExact(rowsOfValues.length, cols)];
        for (int r = 0; r < rowsOfValues.length; r++) {
            checkRow(rowsOfValues[r] == null ? -1 : rowsOfValues[r].length, cols, r, what);
            System.arraycopy(rowsOfValues[r], 0, flat, r * cols, cols);
        }
        return new HostValues(rowsOfValues.length, cols, null, flat);
    }

    private static int width(int rows, Object first, String what) {
        if (rows == 0 || first == null) {
            throw new IllegalArgumentException(what + ": no rows");
        }
        return first instanceof float[] ? ((float[]) first).length : ((double[]) first).length;
    }

    private static void checkRow(int length, int cols, int row, String what) {
        if (length != cols) {
            throw new IllegalArgumentException(what + ": row " + row + " has " + (length < 0 ? "no array" : length
                    + " values") + " but row 0 has " + cols);
        }
    }

    DType dtype() {
        return f != null ? DType.FLOAT32 : DType.FLOAT64;
    }

    double get(int row, int col) {
        int i = row * cols + col;
        return f != null ? f[i] : d[i];
    }

    /** Copies row {@code row} to {@code dst} at {@code offset}. */
    void copyRow(int row, float[] dst, int offset) {
        if (f != null) {
            System.arraycopy(f, row * cols, dst, offset, cols);
        } else {
            for (int c = 0, i = row * cols; c < cols; c++) {
                dst[offset + c] = (float) d[i + c];
            }
        }
    }

    void copyRow(int row, double[] dst, int offset) {
        if (d != null) {
            System.arraycopy(d, row * cols, dst, offset, cols);
        } else {
            for (int c = 0, i = row * cols; c < cols; c++) {
                dst[offset + c] = f[i + c];
            }
        }
    }

    /** The given rows, in that order, as a new block of the same precision. */
    HostValues select(int[] rowIndices) {
        int n = rowIndices.length;
        if (f != null) {
            float[] out = new float[Math.multiplyExact(n, cols)];
            for (int i = 0; i < n; i++) {
                System.arraycopy(f, rowIndices[i] * cols, out, i * cols, cols);
            }
            return new HostValues(n, cols, out, null);
        }
        double[] out = new double[Math.multiplyExact(n, cols)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(d, rowIndices[i] * cols, out, i * cols, cols);
        }
        return new HostValues(n, cols, null, out);
    }

    /** All values as float32: the live array when stored so, else a rounded copy. */
    float[] floats() {
        if (f != null) {
            return f;
        }
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /** All values as float64: the live array when stored so, else an exact widened copy. */
    double[] doubles() {
        if (d != null) {
            return d;
        }
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** This block in {@code dtype}: itself when it already is, else a converted copy. */
    HostValues as(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        return dtype == DType.FLOAT32 ? new HostValues(rows, cols, floats(), null)
                : new HostValues(rows, cols, null, doubles());
    }

    boolean contentEquals(HostValues o) {
        return rows == o.rows && cols == o.cols && Arrays.equals(f, o.f) && Arrays.equals(d, o.d);
    }
}
