package dev.nabla.tensor;

import java.util.Locale;

/**
 * Element type of a tensor. float32 is the fast path and the default; float64 serves exact checks
 * (gradient checks, the seeds' worked numbers). {@link #toString()} gives the name used on the
 * command line and in model files' metadata: {@code float32} or {@code float64}.
 */
public enum DType {
    /** IEEE 754 binary32, 4 bytes. */
    FLOAT32("float32", 4),
    /** IEEE 754 binary64, 8 bytes. */
    FLOAT64("float64", 8);

    private final String label;
    private final int bytes;

    DType(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    /**
     * Size of one element in bytes.
     *
     * @return 4 or 8
     */
    public int bytes() {
        return bytes;
    }

    /**
     * Unit roundoff u (half the machine epsilon): the largest relative error of one rounding to
     * nearest. Error bounds such as the tolerances of single operations are written in u.
     *
     * @return 2^-24 for float32, 2^-53 for float64
     */
    public double unitRoundoff() {
        return this == FLOAT32 ? 0x1p-24 : 0x1p-53;
    }

    /**
     * Parses {@code float32}, {@code f32} or {@code float}, or {@code float64}, {@code f64} or
     * {@code double}, case-insensitively and ignoring surrounding white space.
     *
     * @param text the name
     * @return the dtype it names
     * @throws IllegalArgumentException if the text names no dtype
     * @throws NullPointerException if {@code text} is null
     */
    public static DType parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "float32": case "f32": case "float":
                return FLOAT32;
            case "float64": case "f64": case "double":
                return FLOAT64;
            default:
                throw new IllegalArgumentException(
                        "unknown dtype '" + text + "': expected float32 or float64");
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
