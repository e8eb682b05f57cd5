package dev.nabla.seeds;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number formatting that matches Python's f-strings digit for digit. */
public final class PythonFormat {
    private PythonFormat() {
    }

    /**
     * Python's {@code f"{x:.Nf}"}: the exact binary value of x rounded half-to-even to N decimals.
     * ({@code String.format} rounds the shortest decimal representation instead, which can differ.)
     *
     * @param x the value
     * @param decimals the digits after the point, at least 0
     * @return e.g. {@code 0.123457}; {@code nan}, {@code inf} or {@code -inf} as Python writes them,
     *     and {@code -0.000000} for negative zero
     */
    public static String fixed(double x, int decimals) {
        if (!Double.isFinite(x)) {
            return Double.isNaN(x) ? "nan" : (x > 0 ? "inf" : "-inf");
        }
        String s = new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return (x < 0 || (x == 0 && 1 / x < 0)) && !s.startsWith("-") ? "-" + s : s;
    }
}
