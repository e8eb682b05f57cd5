package dev.nabla.tensor;

/**
 * A 2-D row-major matrix owned by one {@link Backend}; a vector is a 1 x n tensor.
 *
 * <p>Tensors are created by {@link Backend#zeros} and only that backend may operate on them. Their
 * contents are reached through the backend's host copies. Closing a tensor releases what its backend
 * holds for it (native memory on some backends); using it afterwards is an error.
 */
public abstract class Tensor implements AutoCloseable {
    private final Backend backend;
    private final DType dtype;
    private final int rows;
    private final int cols;
    private boolean closed;

    protected Tensor(Backend backend, DType dtype, int rows, int cols) {
        this.backend = backend;
        this.dtype = dtype;
        this.rows = rows;
        this.cols = cols;
    }

    public final Backend backend() {
        return backend;
    }

    public final DType dtype() {
        return dtype;
    }

    public final int rows() {
        return rows;
    }

    public final int cols() {
        return cols;
    }

    /** Number of elements. */
    public final int size() {
        return rows * cols;
    }

    public final boolean isClosed() {
        return closed;
    }

    /** Shape as {@code [rows, cols]}, the form every error message uses. */
    public final String shape() {
        return "[" + rows + ", " + cols + "]";
    }

    /** Releases the backend's storage; idempotent. */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /** Frees backend storage. Called once, by {@link #close()}. */
    protected void release() {
    }

    @Override
    public String toString() {
        return backend.id() + " " + dtype + " tensor " + shape() + (closed ? " (closed)" : "");
    }
}
