package dev.nabla.backend.cpu;

import dev.nabla.spi.HeapTensor;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

import java.util.EnumSet;
import java.util.Set;

/**
 * The fast pure-Java backend: Vector API kernels on heap arrays, a BLIS-shaped packed GEMM, the
 * dense layers' bias, sigmoid and sigmoid derivative fused into the GEMM tiles, a one-pass SGD
 * update, and all cores through a persistent worker pool.
 *
 * <p>Element-wise work is split across threads only above {@link #PARALLEL_ELEMENTS}; below it the
 * calling thread does it alone, since waking a worker costs more than the work.
 */
final class CpuBackend extends Backend {
    /**
     * Element-wise ops on fewer elements than this run on the calling thread. Measured on the 2-core
     * dev machine (float32 SGD update, Gelem/s, 1 vs 2 threads): 4K elements 15.6 vs 4.0, 16K 8.1 vs
     * 10.9, 256K 6.6 vs 15.3.
     */
    static final int PARALLEL_ELEMENTS = 1 << 14;

    private static final Set<DType> DTYPES = EnumSet.allOf(DType.class);

    private final WorkerPool pool;
    private final Sgemm sgemm;
    private final Dgemm dgemm;
    private final FloatEpilogues.BiasSigmoid floatForward = new FloatEpilogues.BiasSigmoid();
    private final FloatEpilogues.SigmoidDerivative floatBackward = new FloatEpilogues.SigmoidDerivative();
    private final DoubleEpilogues.BiasSigmoid doubleForward = new DoubleEpilogues.BiasSigmoid();
    private final DoubleEpilogues.SigmoidDerivative doubleBackward = new DoubleEpilogues.SigmoidDerivative();
    private final Elementwise elementwise;

    CpuBackend(int threads, Blocking floatBlocking, Blocking doubleBlocking) {
        super(CpuProvider.ID);
        this.pool = new WorkerPool(threads);
        this.sgemm = new Sgemm(floatBlocking, pool);
        this.dgemm = new Dgemm(doubleBlocking, pool);
        this.elementwise = new Elementwise(pool);
    }

    @Override
    public Set<DType> dtypes() {
        return DTYPES;
    }

    /** Threads this backend computes with (the calling thread included). */
    public int threads() {
        return pool.threads();
    }

    @Override
    public String description() {
        return "cpu (Vector API " + Sgemm.S.vectorBitSize() + "-bit, " + pool.threads() + " thread"
                + (pool.threads() == 1 ? "" : "s") + "; float32 " + sgemm.blocking() + " from "
                + Blocking.CacheSizes.detected() + ")";
    }

    @Override
    protected void release() {
        pool.close();
    }

    @Override
    protected Tensor allocate(DType dtype, int rows, int cols) {
        return new HeapTensor(this, dtype, rows, cols);
    }

    private static HeapTensor h(Tensor t) {
        return (HeapTensor) t;
    }

    private static boolean f32(Tensor t) {
        return t.dtype() == DType.FLOAT32;
    }

    // ------------------------------------------------------------------ host copies

    @Override
    protected void copyFromHostKernel(float[] src, int srcOffset, Tensor dst) {
        HeapTensor out = h(dst);
        if (out.f != null) {
            System.arraycopy(src, srcOffset, out.f, 0, out.size());
        } else {
            for (int i = 0; i < out.size(); i++) {
                out.d[i] = src[srcOffset + i];
            }
        }
    }

    @Override
    protected void copyFromHostKernel(double[] src, int srcOffset, Tensor dst) {
        HeapTensor out = h(dst);
        if (out.d != null) {
            System.arraycopy(src, srcOffset, out.d, 0, out.size());
        } else {
            for (int i = 0; i < out.size(); i++) {
                out.f[i] = (float) src[srcOffset + i];
            }
        }
    }

    @Override
    protected void copyToHostKernel(Tensor src, float[] dst, int dstOffset) {
        HeapTensor in = h(src);
        if (in.f != null) {
            System.arraycopy(in.f, 0, dst, dstOffset, in.size());
        } else {
            for (int i = 0; i < in.size(); i++) {
                dst[dstOffset + i] = (float) in.d[i];
            }
        }
    }

    @Override
    protected void copyToHostKernel(Tensor src, double[] dst, int dstOffset) {
        HeapTensor in = h(src);
        if (in.d != null) {
            System.arraycopy(in.d, 0, dst, dstOffset, in.size());
        } else {
            for (int i = 0; i < in.size(); i++) {
                dst[dstOffset + i] = in.f[i];
            }
        }
    }

    // ------------------------------------------------------------------ GEMM and the fused dense layers

    @Override
    protected void gemmKernel(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        if (f32(c)) {
            sgemm.gemm(transA, transB, m, n, k, (float) alpha, h(a).f, a.cols(), h(b).f, b.cols(), (float) beta,
                    h(c).f, n, null);
        } else {
            dgemm.gemm(transA, transB, m, n, k, alpha, h(a).d, a.cols(), h(b).d, b.cols(), beta, h(c).d, n, null);
        }
    }

    /** Which orientation {@link #denseForwardKernel} takes: chosen by shape, or forced (tests). */
    enum ForwardOrientation { BY_SHAPE, NORMAL, TRANSPOSED }

    private ForwardOrientation forwardOrientation = ForwardOrientation.BY_SHAPE;

    /** Forces the dense forward's orientation (both give the same bits; tests run both). */
    void forwardOrientation(ForwardOrientation orientation) {
        this.forwardOrientation = orientation;
    }

    /**
     * Whether Z = X W^T runs as Z^T = W X^T: then the weight is read in place and X^T is packed and Z
     * stored transposed, instead of the weight being packed transposed. Packing transposed costs
     * about twice a copy per element (0.73-0.81 vs 0.37 ns on the AMD EPYC dev machine, 4096 x 4096),
     * and the transposed store about as much as a packing, so it pays when the weight has more
     * elements than X and Z together: MNIST's first layer up to batch ~190, wide's layers at 256.
     */
    boolean transposedForward(int batch, int out, int in) {
        switch (forwardOrientation) {
            case NORMAL:
                return false;
            case TRANSPOSED:
                return true;
            default:
                return (long) out * in > (long) batch * (in + out);
        }
    }

    /**
     * Z = X W^T + b and A = sigmoid(Z) in one GEMM: bias and sigmoid run on each tile while it is in
     * L1. In either orientation (see {@link #transposedForward}).
     */
    @Override
    protected void denseForwardKernel(Tensor x, Tensor w, Tensor b, Tensor z, Tensor a) {
        int batch = x.rows();
        int out = w.rows();
        int in = x.cols();
        Tensor pre = z != null ? z : a;
        boolean transposed = transposedForward(batch, out, in);
        try {
            if (f32(x)) {
                if (transposed) {
                    sgemm.denseForwardTransposed(batch, out, in, h(x).f, h(w).f,
                            floatForward.setTransposed(h(b).f, z == null ? null : h(z).f, h(a).f, out));
                } else {
                    sgemm.gemm(false, true, batch, out, in, 1f, h(x).f, in, h(w).f, in, 0f, h(pre).f, out,
                            floatForward.set(h(b).f, h(a).f));
                }
            } else {
                if (transposed) {
                    dgemm.denseForwardTransposed(batch, out, in, h(x).d, h(w).d,
                            doubleForward.setTransposed(h(b).d, z == null ? null : h(z).d, h(a).d, out));
                } else {
                    dgemm.gemm(false, true, batch, out, in, 1.0, h(x).d, in, h(w).d, in, 0.0, h(pre).d, out,
                            doubleForward.set(h(b).d, h(a).d));
                }
            }
        } finally {
            floatForward.setTransposed(null, null, null, 0);
            doubleForward.setTransposed(null, null, null, 0);
        }
    }

    /** dzPrev = (dz W) * aPrev (1 - aPrev) in one GEMM, the derivative applied per tile. */
    @Override
    protected void denseBackwardKernel(Tensor dz, Tensor w, Tensor aPrev, Tensor dzPrev) {
        int batch = dz.rows();
        int out = w.rows();
        int in = w.cols();
        try {
            if (f32(dz)) {
                sgemm.gemm(false, false, batch, in, out, 1f, h(dz).f, out, h(w).f, in, 0f, h(dzPrev).f, in,
                        floatBackward.set(h(aPrev).f));
            } else {
                dgemm.gemm(false, false, batch, in, out, 1.0, h(dz).d, out, h(w).d, in, 0.0, h(dzPrev).d, in,
                        doubleBackward.set(h(aPrev).d));
            }
        } finally {
            floatBackward.set(null);
            doubleBackward.set(null);
        }
    }

    // ------------------------------------------------------------------ element-wise

    @Override
    protected void addRowVectorKernel(Tensor x, Tensor row, Tensor out) {
        elementwise.addRowVector(h(x), h(row), h(out));
    }

    @Override
    protected void sigmoidKernel(Tensor x, Tensor out) {
        elementwise.sigmoid(h(x), h(out));
    }

    @Override
    protected void sigmoidBackwardKernel(Tensor g, Tensor a, Tensor out) {
        elementwise.sigmoidBackward(h(g), h(a), h(out));
    }

    @Override
    protected void columnSumsKernel(Tensor x, Tensor out) {
        elementwise.columnSums(h(x), h(out));
    }

    @Override
    protected void axpyKernel(double alpha, Tensor x, Tensor y) {
        elementwise.axpy(alpha, h(x), h(y));
    }

    @Override
    protected void scaleKernel(double alpha, Tensor x) {
        elementwise.scale(alpha, h(x));
    }

    @Override
    protected void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, double lr, double momentum) {
        elementwise.sgdUpdate(h(param), h(grad), velocity == null ? null : h(velocity), lr, momentum);
    }

    @Override
    protected double lossKernel(Loss loss, Tensor z, Tensor a, Tensor y) {
        return elementwise.loss(loss, z == null ? null : h(z), h(a), h(y));
    }

    @Override
    protected void lossGradientKernel(Loss loss, Tensor a, Tensor y, Tensor dz) {
        elementwise.lossGradient(loss, h(a), h(y), h(dz));
    }

    @Override
    protected void rowArgmaxKernel(Tensor x, int[] out) {
        if (f32(x)) {
            FloatKernels.rowArgmax(h(x).f, x.cols(), out, 0, x.rows());
        } else {
            DoubleKernels.rowArgmax(h(x).d, x.cols(), out, 0, x.rows());
        }
    }
}
