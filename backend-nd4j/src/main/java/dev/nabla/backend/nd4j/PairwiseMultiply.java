package dev.nabla.backend.nd4j;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseTransformSameOp;

import java.util.List;

/**
 * z = x * y elementwise, as one of libnd4j's legacy pairwise transforms (number 3, "Multiply", in
 * its PAIRWISE_TRANSFORM_OPS table, next to Axpy at 10 which ND4J's Java API still wraps).
 *
 * <p>ND4J 1.0.0-M2.1 wraps multiplication only as the custom op {@code multiply}, which needs a
 * native op context per call, and such contexts leak a few hundred bytes each in libnd4j (the soak
 * in Nd4jMemoryTest grew 12 MiB over 9,600 steps with it). The legacy transform needs none; the
 * conformance suite's element-wise checks would catch a change in what the number means.
 */
final class PairwiseMultiply extends BaseTransformSameOp {
    static final int LEGACY_OP_NUMBER = 3;

    PairwiseMultiply(INDArray x, INDArray y, INDArray z) {
        super(x, y, z);
    }

    @Override
    public int opNum() {
        return LEGACY_OP_NUMBER;
    }

    @Override
    public String opName() {
        return "legacy_pairwise_multiply";
    }

    @Override
    public String onnxName() {
        throw new UnsupportedOperationException("not an ONNX op");
    }

    @Override
    public String tensorflowName() {
        throw new UnsupportedOperationException("not a TensorFlow op");
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        throw new UnsupportedOperationException("no gradient: used on arrays only");
    }
}
