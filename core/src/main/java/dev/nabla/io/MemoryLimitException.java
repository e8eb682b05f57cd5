package dev.nabla.io;

/**
 * Something would need more memory than this process can have: refused before anything is
 * allocated or read. The message names what asked (an option, a file), the size asked and the
 * limit. An {@link IllegalArgumentException}: a bad size is bad input (the command line exits with 2).
 */
public final class MemoryLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final long requested;
    private final long limit;

    public MemoryLimitException(String message, long requested, long limit) {
        super(message);
        this.requested = requested;
        this.limit = limit;
    }

    /** The bytes asked for. */
    public long requested() {
        return requested;
    }

    /** The bytes that could be had. */
    public long limit() {
        return limit;
    }
}
