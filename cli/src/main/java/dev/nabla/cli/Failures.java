package dev.nabla.cli;

import dev.nabla.train.TrainingException;

/** Maps failures to the one-line messages and exit codes the CLI promises. */
final class Failures {
    private Failures() {
    }

    static int exitCode(Throwable e) {
        if (e instanceof TrainingException) {
            return Nabla.EXIT_TRAINING_FAILED;
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            return Nabla.EXIT_BAD_INPUT;
        }
        return Nabla.EXIT_TRAINING_FAILED;
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + m + "): give the JVM more heap, e.g. NABLA_JAVA_OPTS=-Xmx8g ./nabla ...";
        }
        return m;
    }
}
