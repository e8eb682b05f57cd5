package dev.nabla.backend.nd4j;

import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor held by an ND4J array ('c' order, shape [rows, cols]) in off-heap memory. Closing it
 * frees that memory at once rather than when the garbage collector gets to it.
 */
final class Nd4jTensor extends Tensor {
    final INDArray array;
    /** Typed views of the array's memory for host copies (one of them is null). */
    final FloatPointer floats;
    final DoublePointer doubles;

    Nd4jTensor(Backend backend, DType dtype, int rows, int cols, INDArray array) {
        super(backend, dtype, rows, cols);
        this.array = array;
        if (dtype == DType.FLOAT32) {
            this.floats = new FloatPointer(array.data().addressPointer());
            this.doubles = null;
        } else {
            this.floats = null;
            this.doubles = new DoublePointer(array.data().addressPointer());
        }
    }

    @Override
    protected void release() {
        ((Nd4jBackend) backend()).forget(this);
        if (array.closeable()) {
            array.close();
        }
    }
}
