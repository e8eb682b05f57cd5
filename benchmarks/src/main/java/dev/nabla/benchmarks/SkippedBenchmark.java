package dev.nabla.benchmarks;

/**
 * Thrown from a benchmark's set-up when its subject cannot run in this JVM (a backend that is not on
 * the class path or is unavailable here). JMH then reports that one parameter combination as failed
 * with this one-line message and goes on with the others; there is no stack trace to wade through,
 * since the message says everything.
 */
final class SkippedBenchmark extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SkippedBenchmark(String message) {
        super("SKIPPED: " + message, null, false, false);
    }
}
