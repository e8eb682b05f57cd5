package dev.nabla.benchmarks;

import dev.nabla.tensor.DType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The GEMM yardstick: ND4J's {@code Nd4j.gemm} into a preallocated C, which calls OpenBLAS's
 * sgemm/dgemm with the transpose flags (no copies), on {@code threads} OpenBLAS threads.
 */
final class OpenBlasGemm implements GemmBenchmark.Subject {
    private final GemmProblem problem;
    private final INDArray a;
    private final INDArray b;
    private final INDArray c;

    OpenBlasGemm(GemmProblem problem, DType dtype, int threads) {
        this.problem = problem;
        Nd4j.getBackend();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        if (Nd4j.factory().blas().getMaxThreads() != threads) {
            throw new IllegalStateException("OpenBLAS did not take " + threads + " threads: it reports "
                    + Nd4j.factory().blas().getMaxThreads());
        }
        DataType type = dtype == DType.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
        a = Nd4j.create(GemmBenchmark.operand(problem.aRows() * problem.aCols(), 1),
                new long[] {problem.aRows(), problem.aCols()}, 'c').castTo(type);
        b = Nd4j.create(GemmBenchmark.operand(problem.bRows() * problem.bCols(), 2),
                new long[] {problem.bRows(), problem.bCols()}, 'c').castTo(type);
        c = Nd4j.create(type, problem.m, problem.n);
    }

    @Override
    public void gemm() {
        Nd4j.gemm(a, b, c, problem.transA, problem.transB, 1.0, 0.0);
    }

    @Override
    public String description() {
        return "Nd4j.gemm " + Dl4jThreads.versions() + ", " + Nd4j.factory().blas().getBlasVendor() + " threads "
                + Nd4j.factory().blas().getMaxThreads();
    }

    @Override
    public void close() {
        a.close();
        b.close();
        c.close();
    }
}
