package dev.nabla.nn;

import java.util.Arrays;

/**
 * Parsing and checking of layer-size lists such as {@code 784,256,10}: input width, hidden widths,
 * output width.
 */
public final class LayerSizes {
    private LayerSizes() {
    }

    /**
     * Returns a copy of {@code sizes} after checking there are at least two, all positive.
     *
     * @param sizes the layer sizes, input first
     * @return a copy
     * @throws IllegalArgumentException if {@code sizes} is null, shorter than two, or holds a
     *     non-positive size
     */
    public static int[] validate(int[] sizes) {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least two layer sizes (input and output), got "
                    + Arrays.toString(sizes));
        }
        for (int s : sizes) {
            if (s <= 0) {
                throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(sizes));
            }
        }
        return sizes.clone();
    }

    /** The longest Java array the JVM reliably allocates. */
    public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Checks that every layer's weight matrix fits one Java array.
     *
     * @param sizes the layer sizes, input first
     * @throws IllegalArgumentException naming the layer whose in x out exceeds {@link #MAX_ARRAY}
     */
    public static void checkArrays(int[] sizes) {
        for (int l = 0; l + 1 < sizes.length; l++) {
            long weights = (long) sizes[l] * sizes[l + 1];
            if (weights > MAX_ARRAY) {
                throw new IllegalArgumentException("layer sizes " + format(sizes) + ": layer " + l + " has " + sizes[l]
                        + " x " + sizes[l + 1] + " = " + weights + " weights, more than one array holds (" + MAX_ARRAY
                        + ")");
            }
        }
    }

    /**
     * Parses a comma-separated list such as {@code 8,16,4} (white space around the numbers ignored)
     * and {@linkplain #validate validates} it.
     *
     * @param text the list
     * @return the sizes
     * @throws IllegalArgumentException if an item is not an integer or the sizes are invalid
     */
    public static int[] parse(String text) {
        String[] parts = text.split(",");
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer sizes " + dev.nabla.io.Untrusted.quote(text) + ": "
                        + dev.nabla.io.Untrusted.quote(parts[i].trim()) + " is not an integer from 1 to "
                        + Integer.MAX_VALUE + " (expected e.g. 8,16,4)");
            }
        }
        return validate(sizes);
    }

    /**
     * The sizes as messages write them, joined by dashes: {@code 784-128-10}. (Not the comma form
     * {@link #parse} reads.)
     *
     * @param sizes the layer sizes
     * @return the dash-joined sizes
     */
    public static String format(int[] sizes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            b.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return b.toString();
    }
}
