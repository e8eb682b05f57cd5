package dev.nabla.data;

/**
 * A data file is malformed: the message names the file and, where it applies, the line and column
 * or the byte offset. An {@link IllegalArgumentException} because bad input is a usage error (the
 * command line exits with 2).
 */
public final class DataFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the file, where in it, and the problem, on one line
     */
    public DataFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause (e.g. a decoding or gzip error).
     *
     * @param message the file, where in it, and the problem, on one line
     * @param cause the underlying error
     */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "FILE, line L, column C: problem" (1-based line and column, as editors count them). */
    static DataFormatException at(String file, long line, int column, String problem) {
        return new DataFormatException(file + ", line " + line + ", column " + column + ": " + problem);
    }
}
