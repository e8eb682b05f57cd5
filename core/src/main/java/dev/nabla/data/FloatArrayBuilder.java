package dev.nabla.data;

import java.util.Arrays;

/** A growable float array for loaders that learn the row count only at the end of the file. */
final class FloatArrayBuilder {
    /** The largest Java array the JVM reliably allocates. */
    static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private float[] values;
    private int size;

    FloatArrayBuilder(int initialCapacity) {
        values = new float[Math.max(16, initialCapacity)];
    }

    /** Appends one value; {@code where} names the position for the too-large error. */
    void add(float v, String where) {
        if (size == values.length) {
            if (size == MAX_LENGTH) {
                throw new DataFormatException(where + ": the data holds more than " + MAX_LENGTH
                        + " values, too many for one array");
            }
            values = Arrays.copyOf(values, (int) Math.min(MAX_LENGTH, 2L * size));
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    /** The values, trimmed to their count. */
    float[] toArray() {
        return size == values.length ? values : Arrays.copyOf(values, size);
    }
}
