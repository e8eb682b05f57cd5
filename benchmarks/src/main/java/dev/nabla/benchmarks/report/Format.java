package dev.nabla.benchmarks.report;

import java.util.Locale;

/** Number formats of the report: three significant figures, thousands separated. */
final class Format {
    private Format() {
    }

    /** 1,234,567 / 12,345 / 123 / 12.3 / 1.23 / 0.0123 */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** A mean and its 99.9% half-width: {@code 12,345 ± 67}, or the mean alone when JMH gave no error. */
    static String withError(Report.Value v) {
        return Double.isNaN(v.error()) ? number(v.mean()) : number(v.mean()) + " ± " + number(v.error());
    }

    static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) {
            return "n/a";
        }
        return r >= 100 ? String.format(Locale.ROOT, "%,.0f", r) : r >= 10 ? String.format(Locale.ROOT, "%.1f", r)
                : String.format(Locale.ROOT, "%.2f", r);
    }

    static String percent(double p) {
        return Double.isNaN(p) || Double.isInfinite(p) ? "n/a" : String.format(Locale.ROOT, p < 1 ? "%.2f%%" : "%.1f%%", p);
    }

    /** 10 -> "10 FLOP", 38.8e6 -> "38.8 MFLOP", 3.65e10 -> "36.5 GFLOP". */
    static String flops(double f) {
        if (f >= 1e9) {
            return number(f / 1e9) + " GFLOP";
        }
        if (f >= 1e6) {
            return number(f / 1e6) + " MFLOP";
        }
        if (f >= 1e3) {
            return number(f / 1e3) + " kFLOP";
        }
        return String.format(Locale.ROOT, "%.0f FLOP", f);
    }

    /** 1000 -> "1000", 1.5 -> "1.5" */
    static String plain(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
