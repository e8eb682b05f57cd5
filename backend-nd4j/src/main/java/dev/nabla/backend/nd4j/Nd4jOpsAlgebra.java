package dev.nabla.backend.nd4j;

import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Algebra} through ND4J's own calls, for nd4j-cuda, whose arrays live in GPU memory that host
 * CBLAS cannot touch. Correct, but ND4J creates small descriptor buffers for its broadcast and
 * reduction ops on every call, so these steps are not allocation-free.
 */
final class Nd4jOpsAlgebra implements Algebra {
    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Nd4jTensor a, Nd4jTensor b, double beta,
                     Nd4jTensor c) {
        Nd4j.getBlasWrapper().level3().gemm(a.array, b.array, c.array, transA, transB, alpha, beta);
    }

    @Override
    public void addRowVector(Nd4jTensor x, Nd4jTensor row, Nd4jTensor out) {
        Nd4j.getExecutioner().exec(new BroadcastAddOp(x.array, row.array.reshape(row.cols()), out.array, 1));
    }

    @Override
    public void columnSums(Nd4jTensor x, Nd4jTensor out) {
        x.array.sum(out.array.reshape(out.cols()), 0);
    }

    @Override
    public void copy(Nd4jTensor src, Nd4jTensor dst) {
        Nd4j.getBlasWrapper().level1().copy(src.array, dst.array);
    }

    @Override
    public void axpy(double alpha, Nd4jTensor x, Nd4jTensor y) {
        Nd4j.getBlasWrapper().level1().axpy(x.size(), alpha, x.array, y.array);
    }

    @Override
    public void scale(double alpha, Nd4jTensor x) {
        x.array.muli(alpha);
    }

    @Override
    public double dot(Nd4jTensor x, Nd4jTensor y) {
        return Nd4j.getBlasWrapper().level1().dot(x.size(), 1.0, x.array, y.array);
    }

    @Override
    public double sum(Nd4jTensor x) {
        return x.array.sumNumber().doubleValue();
    }

    @Override
    public void close() {
    }
}
