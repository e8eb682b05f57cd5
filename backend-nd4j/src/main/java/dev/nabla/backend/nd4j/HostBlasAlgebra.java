package dev.nabla.backend.nd4j;

import dev.nabla.tensor.DType;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_daxpy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dcopy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_ddot;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dger;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dscal;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dsdot;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_scopy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sger;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sscal;

/**
 * {@link Algebra} as CBLAS calls on the tensors' host memory, into the given outputs: the OpenBLAS
 * that ND4J itself calls, without the op objects and descriptor buffers ND4J creates per call
 * (measured: 50 to 85 new ND4J buffers per SGD step through ND4J's broadcast and reduction ops;
 * none this way). Broadcasts and reductions are BLAS as well, against a vector of ones: adding a
 * row to every row is the rank-1 update ones b^T, column sums are x^T ones, a sum is a dot with ones.
 */
final class HostBlasAlgebra implements Algebra {
    /** Ones, grown on demand to the longest vector needed (one allocation per new maximum). */
    private INDArray floatOnes;
    private INDArray doubleOnes;
    private FloatPointer floatOnesPointer;
    private DoublePointer doubleOnesPointer;

    private static int op(boolean transposed) {
        return transposed ? CblasTrans : CblasNoTrans;
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Nd4jTensor a, Nd4jTensor b, double beta,
                     Nd4jTensor c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        if (c.dtype() == DType.FLOAT32) {
            cblas_sgemm(CblasRowMajor, op(transA), op(transB), m, n, k, (float) alpha, a.floats, a.cols(),
                    b.floats, b.cols(), (float) beta, c.floats, n);
        } else {
            cblas_dgemm(CblasRowMajor, op(transA), op(transB), m, n, k, alpha, a.doubles, a.cols(),
                    b.doubles, b.cols(), beta, c.doubles, n);
        }
    }

    @Override
    public void addRowVector(Nd4jTensor x, Nd4jTensor row, Nd4jTensor out) {
        if (out != x) {
            copy(x, out);
        }
        int rows = out.rows();
        int cols = out.cols();
        if (out.dtype() == DType.FLOAT32) {
            cblas_sger(CblasRowMajor, rows, cols, 1f, floatOnes(rows), 1, row.floats, 1, out.floats, cols);
        } else {
            cblas_dger(CblasRowMajor, rows, cols, 1, doubleOnes(rows), 1, row.doubles, 1, out.doubles, cols);
        }
    }

    @Override
    public void columnSums(Nd4jTensor x, Nd4jTensor out) {
        int rows = x.rows();
        int cols = x.cols();
        if (x.dtype() == DType.FLOAT32) {
            cblas_sgemv(CblasRowMajor, CblasTrans, rows, cols, 1f, x.floats, cols, floatOnes(rows), 1,
                    0f, out.floats, 1);
        } else {
            cblas_dgemv(CblasRowMajor, CblasTrans, rows, cols, 1, x.doubles, cols, doubleOnes(rows), 1,
                    0, out.doubles, 1);
        }
    }

    @Override
    public void copy(Nd4jTensor src, Nd4jTensor dst) {
        if (src.dtype() == DType.FLOAT32) {
            cblas_scopy(src.size(), src.floats, 1, dst.floats, 1);
        } else {
            cblas_dcopy(src.size(), src.doubles, 1, dst.doubles, 1);
        }
    }

    @Override
    public void axpy(double alpha, Nd4jTensor x, Nd4jTensor y) {
        if (x.dtype() == DType.FLOAT32) {
            cblas_saxpy(x.size(), (float) alpha, x.floats, 1, y.floats, 1);
        } else {
            cblas_daxpy(x.size(), alpha, x.doubles, 1, y.doubles, 1);
        }
    }

    @Override
    public void scale(double alpha, Nd4jTensor x) {
        if (x.dtype() == DType.FLOAT32) {
            cblas_sscal(x.size(), (float) alpha, x.floats, 1);
        } else {
            cblas_dscal(x.size(), alpha, x.doubles, 1);
        }
    }

    @Override
    public double dot(Nd4jTensor x, Nd4jTensor y) {
        // float32 products summed in double (dsdot): a loss sums a whole batch.
        return x.dtype() == DType.FLOAT32
                ? cblas_dsdot(x.size(), x.floats, 1, y.floats, 1)
                : cblas_ddot(x.size(), x.doubles, 1, y.doubles, 1);
    }

    @Override
    public double sum(Nd4jTensor x) {
        return x.dtype() == DType.FLOAT32
                ? cblas_dsdot(x.size(), x.floats, 1, floatOnes(x.size()), 1)
                : cblas_ddot(x.size(), x.doubles, 1, doubleOnes(x.size()), 1);
    }

    private FloatPointer floatOnes(int length) {
        if (floatOnes == null || floatOnes.length() < length) {
            closeQuietly(floatOnes);
            floatOnes = Nd4j.ones(DataType.FLOAT, grown(length));
            floatOnesPointer = new FloatPointer(floatOnes.data().addressPointer());
        }
        return floatOnesPointer;
    }

    private DoublePointer doubleOnes(int length) {
        if (doubleOnes == null || doubleOnes.length() < length) {
            closeQuietly(doubleOnes);
            doubleOnes = Nd4j.ones(DataType.DOUBLE, grown(length));
            doubleOnesPointer = new DoublePointer(doubleOnes.data().addressPointer());
        }
        return doubleOnesPointer;
    }

    /** The next power of two, at least 1024: a few batch and layer sizes allocate once or twice. */
    private static long grown(int length) {
        return Math.max(1024, Long.highestOneBit(Math.max(1, length) - 1L) << 1);
    }

    private static void closeQuietly(INDArray a) {
        if (a != null && a.closeable()) {
            a.close();
        }
    }

    @Override
    public void close() {
        closeQuietly(floatOnes);
        closeQuietly(doubleOnes);
        floatOnes = null;
        doubleOnes = null;
    }
}
