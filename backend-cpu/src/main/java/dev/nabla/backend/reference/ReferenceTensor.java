package dev.nabla.backend.reference;

import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;

/** A heap tensor: exactly one of {@code f} (float32) and {@code d} (float64) is non-null. */
final class ReferenceTensor extends Tensor {
    final float[] f;
    final double[] d;

    ReferenceTensor(ReferenceBackend backend, DType dtype, int rows, int cols) {
        super(backend, dtype, rows, cols);
        int n = rows * cols;
        this.f = dtype == DType.FLOAT32 ? new float[n] : null;
        this.d = dtype == DType.FLOAT64 ? new double[n] : null;
    }

    double get(int i) {
        return d != null ? d[i] : f[i];
    }

    /** Stores v, rounded to float32 for a float32 tensor. */
    void set(int i, double v) {
        if (d != null) {
            d[i] = v;
        } else {
            f[i] = (float) v;
        }
    }
}
