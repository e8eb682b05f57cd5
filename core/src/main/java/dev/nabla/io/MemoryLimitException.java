package dev.nabla.io;

/**
 * Something would need more memory than this process can have: refused before anything is
 * allocated or read. The message names what asked (an option, a file), the size asked and the
 * limit. An {@link IllegalArgumentException}: a bad size is bad input (the command line exits with 2).
 */
public final class MemoryLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    /** The bytes asked for. */
    private final long requested;
    /** The bytes that could be had. */
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param message one line naming what asked, the size and the limit
     * @param requested the bytes asked for
     * @param limit the bytes that could be had
     */
    public MemoryLimitException(String message, long requested, long limit) {
        super(message);
        this.requested = requested;
        this.limit = limit;
    }

    /**
     * The bytes asked for.
     *
     * @return the requested size in bytes; {@link Long#MAX_VALUE} when the computation overflowed
     */
    public long requested() {
        return requested;
    }

    /**
     * The bytes that could be had.
     *
     * @return the limit, or what was left of it, in bytes
     */
    public long limit() {
        return limit;
    }
}
