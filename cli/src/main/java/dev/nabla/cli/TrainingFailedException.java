package dev.nabla.cli;

/** Training could not finish (e.g. the loss diverged): exit code 1, with a one-line message. */
final class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TrainingFailedException(String message) {
        super(message);
    }
}
