package dev.nabla.backend.nd4j;

import dev.nabla.spi.BackendOptions;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's two thread settings: OpenBLAS's threads (the GEMMs) and libnd4j's op threads (every
 * element-wise op and reduction splits its loop over this many threads: the "master threads" of
 * libnd4j's Environment; its setMaxThreads is not honoured at run time). Both are process-wide, so
 * the last backend created sets them for all.
 *
 * <p>{@code threads} (option, -Dnabla.threads, NABLA_THREADS) sets both; the backend options
 * {@code blas-threads} and {@code op-threads}, or the system properties
 * {@code nabla.nd4j.blas-threads} and {@code nabla.nd4j.op-threads}, set one each.
 */
final class Nd4jThreads {
    /**
     * Default op threads for libnd4j's element-wise ops: 1, while OpenBLAS keeps every core for the
     * GEMMs. Measured (benchmarks/RESULTS.md, "nd4j threads"): two op threads made an MNIST-sized
     * SGD step 12x slower; one is never slower at the benchmark shapes.
     */
    static final int DEFAULT_OP_THREADS = 1;

    private Nd4jThreads() {
    }

    /** {BLAS threads, op threads} for these options. */
    static int[] choose(BackendOptions options) {
        int cores = Runtime.getRuntime().availableProcessors();
        int common = options.threads();
        int blas = setting(options, "blas-threads", common > 0 ? common : cores);
        int ops = setting(options, "op-threads", common > 0 ? common : DEFAULT_OP_THREADS);
        return new int[] {blas, ops};
    }

    private static int setting(BackendOptions options, String key, int fallback) {
        String value = options.get(key);
        if (value == null) {
            value = System.getProperty("nabla.nd4j." + key);
        }
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nd4j option " + key + " must be a positive integer, got '" + value + "'");
        }
    }

    /** Applies BLAS and op thread counts and returns them as they are now in force. */
    static int[] apply(int blasThreads, int opThreads) {
        Nd4j.factory().blas().setMaxThreads(blasThreads);
        Nd4j.getEnvironment().setMaxMasterThreads(opThreads);
        return new int[] {Nd4j.factory().blas().getMaxThreads(), Nd4j.getEnvironment().maxMasterThreads()};
    }
}
