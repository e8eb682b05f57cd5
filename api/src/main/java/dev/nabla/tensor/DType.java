package dev.nabla.tensor;

import java.util.Locale;

/** Element type of a tensor. float32 is the fast path; float64 serves exact checks. */
public enum DType {
    FLOAT32("float32", 4),
    FLOAT64("float64", 8);

    private final String label;
    private final int bytes;

    DType(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** Unit roundoff (half the machine epsilon): the relative error of one rounding. */
    public double unitRoundoff() {
        return this == FLOAT32 ? 0x1p-24 : 0x1p-53;
    }

    /** Parses {@code float32}/{@code f32} or {@code float64}/{@code f64}, case-insensitively. */
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
