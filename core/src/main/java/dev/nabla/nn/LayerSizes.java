package dev.nabla.nn;

import java.util.Arrays;

/** Parsing and checking of layer-size lists such as {@code 784,256,10}. */
public final class LayerSizes {
    private LayerSizes() {
    }

    /** Returns a copy of {@code sizes} after checking there are at least two, all positive. */
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

    /** Parses a comma-separated list such as {@code 8,16,4}. */
    public static int[] parse(String text) {
        String[] parts = text.split(",");
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("layer sizes '" + text + "': '" + parts[i].trim()
                        + "' is not an integer (expected e.g. 8,16,4)");
            }
        }
        return validate(sizes);
    }

    public static String format(int[] sizes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            b.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return b.toString();
    }
}
