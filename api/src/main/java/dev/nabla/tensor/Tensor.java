package dev.nabla.tensor;

/**
 * A 2-D row-major matrix owned by one {@link Backend}; a vector is a [1, n] tensor. Its shape and
 * dtype are fixed at creation.
 *
 * <p>Tensors are created by {@link Backend#zeros} and only that backend instance may operate on
 * them. Their contents are reached through the backend's host copies
 * ({@link Backend#copyFromHost(float[], Tensor)}, {@link Backend#toHostFloats(Tensor)} and friends).
 * Closing a tensor releases what its backend holds for it (native memory on some backends); using
 * it afterwards is an error ({@link IllegalStateException}). Like its backend, a tensor is used from
 * one thread at a time.
 *
 * <p>Backend authors subclass it for their storage; {@link dev.nabla.spi.HeapTensor} serves backends
 * that keep values in Java arrays.
 */
public abstract class Tensor implements AutoCloseable {
    private final Backend backend;
    private final DType dtype;
    private final int rows;
    private final int cols;
    private boolean closed;

    /**
     * Creates an open tensor; called by a backend's {@code allocate}, which has validated the
     * arguments (nothing is checked here).
     *
     * @param backend the backend that owns the tensor
     * @param dtype the element type
     * @param rows the number of rows, at least 1
     * @param cols the number of columns, at least 1
     */
    protected Tensor(Backend backend, DType dtype, int rows, int cols) {
        this.backend = backend;
        this.dtype = dtype;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * The backend instance that created this tensor; the only one that may operate on it.
     *
     * @return the owning backend
     */
    public final Backend backend() {
        return backend;
    }

    /**
     * The element type.
     *
     * @return the dtype
     */
    public final DType dtype() {
        return dtype;
    }

    /**
     * The number of rows (the batch dimension for activations).
     *
     * @return the number of rows, at least 1
     */
    public final int rows() {
        return rows;
    }

    /**
     * The number of columns.
     *
     * @return the number of columns, at least 1
     */
    public final int cols() {
        return cols;
    }

    /**
     * The number of elements, {@code rows() * cols()}.
     *
     * @return the number of elements
     */
    public final int size() {
        return rows * cols;
    }

    /**
     * Whether {@link #close()} has been called on this tensor. (A tensor whose backend is closed is
     * unusable too, though this still says false.)
     *
     * @return true once the tensor is closed
     */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * The shape as {@code [rows, cols]}, the form every error message uses.
     *
     * @return the shape, e.g. {@code [64, 784]}
     */
    public final String shape() {
        return "[" + rows + ", " + cols + "]";
    }

    /**
     * Releases the backend's storage for this tensor; idempotent. Operations on it then throw
     * {@link IllegalStateException}.
     */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /**
     * Frees backend storage. Called once, by the first {@link #close()}; the default does nothing
     * (the garbage collector owns heap storage).
     */
    protected void release() {
    }

    @Override
    public String toString() {
        return backend.id() + " " + dtype + " tensor " + shape() + (closed ? " (closed)" : "");
    }
}
