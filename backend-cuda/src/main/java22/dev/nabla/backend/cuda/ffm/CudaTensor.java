package dev.nabla.backend.cuda.ffm;

import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;

import java.lang.ref.Cleaner;

/** A row-major matrix in one device allocation of its backend's GPU, freed on close (Cleaner as backstop). */
final class CudaTensor extends Tensor {
    final DeviceBuffer buffer;
    private final Cleaner.Cleanable cleanable;

    CudaTensor(CudaBackend backend, DType dtype, int rows, int cols, DeviceBuffer buffer, Cleaner cleaner) {
        super(backend, dtype, rows, cols);
        this.buffer = buffer;
        this.cleanable = cleaner.register(this, buffer);
    }

    /** The device address of element 0. */
    long pointer() {
        return buffer.pointer;
    }

    @Override
    protected void release() {
        cleanable.clean();
    }
}
