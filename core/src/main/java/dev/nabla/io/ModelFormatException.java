package dev.nabla.io;

/**
 * A model or checkpoint file is malformed or does not describe a Nabla network; the message names
 * the file and the problem. An {@link IllegalArgumentException}: bad input, exit code 2.
 */
public final class ModelFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the file and the problem, on one line
     */
    public ModelFormatException(String message) {
        super(message);
    }
}
