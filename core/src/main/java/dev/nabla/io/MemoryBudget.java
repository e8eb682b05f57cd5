package dev.nabla.io;

import dev.nabla.tensor.DType;

import java.util.Locale;

/**
 * The memory a size asks for, checked against what this process can have before anything is
 * allocated or read. Every size that comes from a user or a file (layer sizes, rows, classes, the
 * length a file claims) goes through {@link #require}, which throws a one-line
 * {@link MemoryLimitException} naming what asked, the bytes asked and the limit, instead of letting
 * the allocation fail with an {@link OutOfMemoryError} (or, worse, succeed and push the machine
 * into swap).
 *
 * <p>The limit is the Java heap ({@link Runtime#maxMemory()}, i.e. {@code -Xmx}), since the data,
 * the parameters on the host and the tensors of the Java backends live there; backends that
 * allocate off the heap (ND4J) are bounded by default by the same number (javacpp's
 * {@code maxbytes} defaults to {@code -Xmx}). {@code -Dnabla.memory.limit=BYTES} (with an optional
 * k, m, g or t suffix) replaces it: lower to be careful, higher to try anyway. What the heap already
 * holds is subtracted (after one garbage collection when that decides).
 */
public final class MemoryBudget {
    /** The system property that replaces the limit. */
    public static final String LIMIT_PROPERTY = "nabla.memory.limit";

    private MemoryBudget() {
    }

    /**
     * The most bytes this process may use for data, parameters and tensors: {@code -Dnabla.memory.limit}
     * if set, else {@link Runtime#maxMemory()}. Read on each call.
     *
     * @return the limit in bytes
     * @throws IllegalArgumentException if the property is not a positive number of bytes
     */
    public static long limit() {
        String configured = System.getProperty(LIMIT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return parseBytes(configured.trim());
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * The bytes that can still be allocated: the limit less what the heap holds now (garbage
     * included).
     *
     * @return the bytes available, at least 0
     */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        return Math.max(0, limit() - (rt.totalMemory() - rt.freeMemory()));
    }

    /**
     * Checks that {@code bytes} more can be allocated.
     *
     * @param what names what asks, as the user knows it: {@code "--layers 8,40000,40000,4"},
     *             {@code "data.csv"}
     * @param need what the bytes are for: {@code "the network's parameters, gradients and activations"}
     * @param bytes the size asked for; {@link Long#MAX_VALUE} (an overflowed computation) is always refused
     * @throws MemoryLimitException "WHAT: NEED need(s) 12.8 GB, more than the 5.9 GB ..."
     */
    public static void require(String what, String need, long bytes) {
        long limit = limit();
        if (bytes <= limit) {
            long available = available();
            if (bytes <= available) {
                return;
            }
            System.gc(); // what the heap "holds" may be garbage
            if (bytes <= available()) {
                return;
            }
        }
        long available = available();
        throw new MemoryLimitException(what + ": " + need + " need " + describe(bytes) + ", more than "
                + (available < limit * 0.9 ? "the " + describe(available) + " left of " : "")
                + "the " + describe(limit) + " this process may use (the Java heap, -Xmx"
                + (System.getProperty(LIMIT_PROPERTY) != null ? ", or -D" + LIMIT_PROPERTY : "") + ")", bytes,
                Math.min(available, limit));
    }

    /**
     * {@code a * b}, or {@link Long#MAX_VALUE} when that overflows (a size that large is refused anyway).
     *
     * @param a a size, at least 0
     * @param b a size, at least 0
     * @return the product, saturated
     * @throws IllegalArgumentException if either is negative
     */
    public static long times(long a, long b) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("negative size " + a + " x " + b);
        }
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    /**
     * {@code a + b}, saturating at {@link Long#MAX_VALUE}.
     *
     * @param a a size
     * @param b a size
     * @return the sum, saturated
     */
    public static long plus(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
    }

    /**
     * The scalar parameters (weights and biases) of a network with these layer sizes, saturating.
     *
     * @param sizes the layer sizes, inputs first
     * @return the number of weights and biases
     */
    public static long parameterCount(int[] sizes) {
        long n = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            n = plus(n, plus(times(sizes[l], sizes[l + 1]), sizes[l + 1]));
        }
        return n;
    }

    /**
     * What training a network of these sizes needs, roughly: the parameters on the host in float64
     * (the initial ones and the copy each save takes, and the momentum buffers' copy), the
     * weights, gradients and momentum buffers in {@code dtype}, and the per-batch activations,
     * deltas and staging of up to two batch sizes (the full one and the last).
     *
     * @param sizes the layer sizes, inputs first
     * @param dtype the training dtype
     * @param batch the mini-batch size
     * @param momentum whether momentum buffers are kept
     * @return the estimate in bytes, saturated
     */
    public static long trainingBytes(int[] sizes, DType dtype, int batch, boolean momentum) {
        long p = parameterCount(sizes);
        long host = times(p, momentum ? 24 : 16);
        long device = times(times(p, dtype.bytes()), momentum ? 3 : 2);
        return plus(plus(host, device), times(2, batchBytes(sizes, dtype, batch)));
    }

    /**
     * What running a network forward needs: its parameters on the host and in {@code dtype}, and one batch.
     *
     * @param sizes the layer sizes, inputs first
     * @param dtype the network's dtype
     * @param batch the rows run at once
     * @return the estimate in bytes, saturated
     */
    public static long forwardBytes(int[] sizes, DType dtype, int batch) {
        long p = parameterCount(sizes);
        return plus(plus(times(p, 8), times(times(p, dtype.bytes()), 2)), batchBytes(sizes, dtype, batch));
    }

    /** One batch size's activations, logits, deltas and input/target staging. */
    static long batchBytes(int[] sizes, DType dtype, int batch) {
        long widths = 0;
        for (int l = 1; l < sizes.length; l++) {
            widths = plus(widths, sizes[l]);
        }
        long perRow = plus(times(widths, 3), times(plus(sizes[0], sizes[sizes.length - 1]), 2));
        return times(times(perRow, batch), dtype.bytes());
    }

    /**
     * {@code bytes} for people, in powers of 1024: "812 bytes", "3.4 MiB", "12 GiB".
     *
     * @param bytes a size; {@link Long#MAX_VALUE} reads "more than 9 EiB"
     * @return the size with its unit
     */
    public static String describe(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 9 EiB";
        }
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    static long parseBytes(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if ("kmgt".indexOf(last) >= 0) {
            unit = 1L << (10 * ("kmgt".indexOf(last) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t.trim());
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return times(v, unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + LIMIT_PROPERTY + "=" + Untrusted.escape(text)
                    + ": expected a positive number of bytes, e.g. 8g");
        }
    }
}
