package dev.nabla.cli;

import dev.nabla.io.MemoryLimitException;
import dev.nabla.io.Untrusted;
import dev.nabla.train.TrainingException;

/** Maps failures to the one-line messages and exit codes the CLI promises. */
final class Failures {
    /** The longest message printed: anything longer was not written for people. */
    static final int MAX_MESSAGE = 2000;

    private Failures() {
    }

    static int exitCode(Throwable e) {
        if (e instanceof TrainingException) {
            return Nabla.EXIT_TRAINING_FAILED;
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                || e instanceof ArithmeticException) {
            return Nabla.EXIT_BAD_INPUT;
        }
        return Nabla.EXIT_TRAINING_FAILED;
    }

    /** The failure as one printable line: control characters escaped, cut at {@value #MAX_MESSAGE} characters. */
    static String message(Throwable e) {
        return oneLine(rawMessage(e));
    }

    static String oneLine(String text) {
        return Untrusted.oneLine(text, MAX_MESSAGE);
    }

    private static String rawMessage(Throwable e) {
        if (e instanceof java.io.UncheckedIOException && e.getCause() != null) {
            e = e.getCause();
        }
        String m = e.getMessage();
        if (e instanceof OutOfMemoryError) {
            return "out of memory" + (m == null || m.isBlank() ? "" : " (" + m + ")")
                    + ": give the JVM more memory, e.g. NABLA_JAVA_OPTS=-Xmx8g ./nabla ..., or ask for less";
        }
        if (e instanceof StackOverflowError) {
            return "stack overflow (a structure nested too deeply?); run with --verbose to see where";
        }
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof ArithmeticException) {
            return "a size overflows (" + m + "): use smaller sizes";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (e instanceof MemoryLimitException) {
            long gib = Math.max(1, Math.min(1L << 20, (long) Math.ceil(((MemoryLimitException) e).requested() * 1.25
                    / (1L << 30))));
            boolean reachable = ((MemoryLimitException) e).requested() < (1L << 44); // under 16 TiB
            return reachable ? m + "; to allow more, e.g. NABLA_JAVA_OPTS=-Xmx" + gib + "g ./nabla ..." : m;
        }
        return m;
    }
}
