package dev.nabla.spi;

import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;

/**
 * A tensor in a Java heap array, row-major, shared by the pure-Java backends: exactly one of
 * {@link #f} (float32) and {@link #d} (float64) is non-null. The garbage collector owns the memory,
 * so closing only marks the tensor unusable.
 */
public final class HeapTensor extends Tensor {
    public final float[] f;
    public final double[] d;

    public HeapTensor(Backend backend, DType dtype, int rows, int cols) {
        super(backend, dtype, rows, cols);
        int n = rows * cols;
        this.f = dtype == DType.FLOAT32 ? new float[n] : null;
        this.d = dtype == DType.FLOAT64 ? new double[n] : null;
    }

    /** Element i as a double. */
    public double get(int i) {
        return d != null ? d[i] : f[i];
    }

    /** Stores v at i, rounded to float32 for a float32 tensor. */
    public void set(int i, double v) {
        if (d != null) {
            d[i] = v;
        } else {
            f[i] = (float) v;
        }
    }
}
