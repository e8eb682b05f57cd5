package dev.nabla.data;

import dev.nabla.io.MemoryBudget;
import dev.nabla.tensor.DType;

import java.util.Arrays;

/**
 * A growable array of float32 or float64 values, for loaders that learn the row count only at the
 * end of the file.
 */
final class ValueArrayBuilder {
    /** The largest Java array the JVM reliably allocates. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private float[] f;
    private double[] d;
    private int size;

    ValueArrayBuilder(DType dtype, int initialCapacity) {
        int capacity = Math.max(16, initialCapacity);
        if (dtype == DType.FLOAT32) {
            f = new float[capacity];
        } else {
            d = new double[capacity];
        }
    }

    /** Appends one value (rounded to float32 when this builder is float32); {@code where} names it for errors. */
    void add(double v, String where) {
        int capacity = f != null ? f.length : d.length;
        if (size == capacity) {
            if (size == MAX_LENGTH) {
                throw new DataFormatException(where + ": the data holds more than " + MAX_LENGTH
                        + " values, too many for one array");
            }
            int grown = (int) Math.min(MAX_LENGTH, 2L * size);
            MemoryBudget.require(where, "the values read so far (" + size + ", growing to " + grown + ")",
                    MemoryBudget.times(grown, f != null ? Float.BYTES : Double.BYTES));
            if (f != null) {
                f = Arrays.copyOf(f, grown);
            } else {
                d = Arrays.copyOf(d, grown);
            }
        }
        if (f != null) {
            f[size++] = (float) v;
        } else {
            d[size++] = v;
        }
    }

    int size() {
        return size;
    }

    /** The values, trimmed to their count, as a [rows, cols] block. */
    HostValues toValues(int rows, int cols) {
        if (f != null) {
            return HostValues.of(rows, cols, size == f.length ? f : Arrays.copyOf(f, size));
        }
        return HostValues.of(rows, cols, size == d.length ? d : Arrays.copyOf(d, size));
    }
}
