package dev.nabla.backend.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Loads ND4J and runs one sgemm, so that OpenBLAS (run with OPENBLAS_VERBOSE=2) reports its core. */
public final class OpenBlasCoreProbe {
    private OpenBlasCoreProbe() {
    }

    public static void main(String[] args) {
        INDArray a = Nd4j.rand(DataType.FLOAT, 64, 64);
        INDArray c = Nd4j.create(DataType.FLOAT, 64, 64);
        Nd4j.gemm(a, a, c, false, false, 1.0, 0.0);
        System.out.println("probe done " + c.sumNumber());
    }
}
