package dev.nabla.train;

/**
 * Training started but could not go on: the loss diverged, or a checkpoint, log or model could
 * not be written. The message says what happened and where the last good checkpoint is (the
 * command line exits with 1).
 */
public class TrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened and where the last good checkpoint is, on one line
     */
    public TrainingException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what happened and where the last good checkpoint is, on one line
     * @param cause the underlying error, e.g. an {@link java.io.IOException}
     */
    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
