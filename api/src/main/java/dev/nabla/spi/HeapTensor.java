package dev.nabla.spi;

import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;

/**
 * A tensor in a Java heap array, row-major, shared by the pure-Java backends: exactly one of
 * {@link #f} (float32) and {@link #d} (float64) is non-null. The garbage collector owns the memory,
 * so closing only marks the tensor unusable.
 *
 * <p>For backend authors: the arrays are exposed for kernels to read and write directly. Application
 * code should go through {@link Backend}'s host copies, which check the tensor is live.
 */
public final class HeapTensor extends Tensor {
    /** The values of a float32 tensor, element (r, c) at {@code r * cols() + c}; null for float64. */
    public final float[] f;
    /** The values of a float64 tensor, element (r, c) at {@code r * cols() + c}; null for float32. */
    public final double[] d;

    /**
     * A zero-filled tensor; nothing is validated (a backend's {@code allocate} has done that).
     *
     * @param backend the backend that owns the tensor
     * @param dtype the element type; decides which of {@link #f} and {@link #d} is allocated
     * @param rows the number of rows
     * @param cols the number of columns
     */
    public HeapTensor(Backend backend, DType dtype, int rows, int cols) {
        super(backend, dtype, rows, cols);
        int n = rows * cols;
        this.f = dtype == DType.FLOAT32 ? new float[n] : null;
        this.d = dtype == DType.FLOAT64 ? new double[n] : null;
    }

    /**
     * Element i, row-major, as a double (exact for both dtypes).
     *
     * @param i the row-major index, {@code r * cols() + c}
     * @return the value
     */
    public double get(int i) {
        return d != null ? d[i] : f[i];
    }

    /**
     * Stores v at row-major index i, rounded to nearest for a float32 tensor.
     *
     * @param i the row-major index, {@code r * cols() + c}
     * @param v the value
     */
    public void set(int i, double v) {
        if (d != null) {
            d[i] = v;
        } else {
            f[i] = (float) v;
        }
    }
}
