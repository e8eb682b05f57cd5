package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaOptions;
import dev.nabla.backend.cuda.CudaProvider;
import dev.nabla.backend.cuda.GemmPlanner;
import dev.nabla.backend.cuda.Geometry;
import dev.nabla.backend.cuda.KernelCatalog;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The {@code cuda} backend: tensors are device allocations; every operation is one or two kernel
 * launches on the backend's own stream (non-blocking), so operations queue up without waiting and
 * the host waits only where it must read something back (host copies, the loss, argmax).
 *
 * <p>Fused: the dense layer's forward pass is one GEMM whose epilogue adds the bias and applies the
 * sigmoid (keeping Z when asked); its backward pass is one GEMM whose epilogue multiplies by the
 * sigmoid's derivative; the loss and its gradient are one kernel plus a one-block final sum; the SGD
 * update with momentum is one kernel. With {@code gemm=cublas} the products are cuBLAS's and the
 * epilogues separate kernels.
 *
 * <p>Host copies go through one pinned staging buffer of {@value #STAGING_BYTES} bytes allocated at
 * creation, in chunks. Running out of device memory gives one error naming what was being
 * allocated and the device's free and total memory (after one garbage collection, in case
 * forgotten tensors were waiting for the Cleaner).
 *
 * <p>Threads: like every backend, an instance is used from one thread at a time, but that thread
 * may change: each call makes the GPU's primary context current on the calling thread if it is not
 * (one thread-local check). Backends on the same GPU share its primary context and each has its own
 * stream. A tensor that becomes unreachable without being closed is freed by the Cleaner's thread,
 * which binds the context itself and waits for the device before freeing.
 */
public final class CudaBackend extends Backend {
    static final long STAGING_BYTES = 8L << 20;
    private static final Cleaner CLEANER = Cleaner.create();

    private final Gpu gpu;
    private final CudaOptions options;
    private final int sms;
    private final long stream;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment staging;
    private final KernelArgs args;
    private final Set<DeviceBuffer> live = ConcurrentHashMap.newKeySet();
    private final Set<DeviceBuffer> scratchBuffers = ConcurrentHashMap.newKeySet();
    private final Cublas cublas;
    private DeviceBuffer workspace;
    private DeviceBuffer partials;
    private DeviceBuffer argmax;

    /** A backend on a GPU of the CUDA driver. */
    CudaBackend(DriverGpu gpu, CudaOptions options) {
        this(gpu, options, options.gemm() == CudaOptions.Gemm.CUBLAS ? Cublas.open(gpu, options.tf32()) : null);
    }

    /** A backend on any {@link Gpu} (the tests pass the host emulator). */
    public CudaBackend(Gpu gpu, CudaOptions options, Cublas cublas) {
        super(CudaProvider.ID);
        this.gpu = gpu;
        this.options = options;
        this.sms = gpu.multiprocessors();
        this.cublas = cublas;
        gpu.bind();
        this.stream = gpu.createStream();
        MemorySegment pinned;
        try {
            pinned = gpu.allocateHost(STAGING_BYTES);
        } catch (RuntimeException e) {
            gpu.destroyStream(stream);
            throw e;
        }
        this.staging = pinned;
        this.args = new KernelArgs(arena);
        this.partials = scratch((Geometry.LOSS_MAX_BLOCKS + 1) * 8L, "the loss partial sums");
        if (cublas != null) {
            cublas.setStream(stream);
        }
    }

    @Override
    public Set<DType> dtypes() {
        return EnumSet.allOf(DType.class);
    }

    @Override
    public String description() {
        return "cuda (" + gpu.describe() + "; " + (cublas != null ? cublas.describe() : "own GEMM") + ")";
    }

    /** The GPU this backend runs on. */
    public Gpu gpu() {
        return gpu;
    }

    /** The backend's stream handle (for events around its work). */
    public long stream() {
        return stream;
    }

    /** Waits for everything this backend has queued. */
    public void synchronize() {
        gpu.synchronize(stream);
    }

    @Override
    protected void release() {
        RuntimeException failure = null;
        try {
            gpu.synchronize(stream);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (DeviceBuffer b : new ArrayList<>(live)) {
            try {
                b.free();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        for (DeviceBuffer b : new ArrayList<>(scratchBuffers)) {
            try {
                b.free();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        try {
            if (cublas != null) {
                cublas.close();
            }
            gpu.freeHost(staging);
            gpu.destroyStream(stream);
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        arena.close();
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------ memory

    private static String mib(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    /** Allocates or fails with the out-of-memory error; collects garbage once first, for the Cleaner. */
    private long allocateOrFail(long bytes, String what) {
        long p = gpu.allocate(bytes);
        if (p == 0) {
            System.gc();
            for (int i = 0; i < 20 && p == 0; i++) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                p = gpu.allocate(bytes);
            }
        }
        if (p == 0) {
            long[] info = gpu.memoryInfo();
            throw new IllegalStateException("cuda: out of device memory allocating " + what + " (" + mib(bytes)
                    + ") on GPU " + gpu.ordinal() + " (" + gpu.name() + "): " + mib(info[0]) + " free of "
                    + mib(info[1]));
        }
        return p;
    }

    private DeviceBuffer scratch(long bytes, String what) {
        long p = allocateOrFail(bytes, what);
        return new DeviceBuffer(gpu, p, bytes, scratchBuffers);
    }

    /** The split-K workspace, grown to at least {@code bytes}. */
    private long workspace(long bytes) {
        if (workspace == null || workspace.bytes < bytes) {
            if (workspace != null) {
                workspace.free(); // waits for the device first
            }
            workspace = null;
            workspace = scratch(Math.max(bytes, 1L << 20), "the GEMM's split-K workspace");
        }
        return workspace.pointer;
    }

    @Override
    protected Tensor allocate(DType dtype, int rows, int cols) {
        long bytes = (long) rows * cols * dtype.bytes();
        long p = allocateOrFail(bytes, "a " + dtype + " tensor [" + rows + ", " + cols + "]");
        DeviceBuffer buffer = new DeviceBuffer(gpu, p, bytes, live);
        CudaTensor t = new CudaTensor(this, dtype, rows, cols, buffer, CLEANER);
        gpu.memsetZero(p, bytes, stream);
        return t;
    }

    private static long ptr(Tensor t) {
        return ((CudaTensor) t).pointer();
    }

    private static long ptrOrNull(Tensor t) {
        return t == null ? 0 : ((CudaTensor) t).pointer();
    }

    /** Live tensor allocations of this backend (for tests). */
    int liveBuffers() {
        return live.size();
    }

    // ------------------------------------------------------------------ host copies

    @Override
    protected void copyFromHostKernel(float[] src, int srcOffset, Tensor dst) {
        int n = dst.size();
        long elem = dst.dtype().bytes();
        int chunk = (int) (STAGING_BYTES / elem);
        for (int done = 0; done < n; done += chunk) {
            int count = Math.min(chunk, n - done);
            if (dst.dtype() == DType.FLOAT32) {
                MemorySegment.copy(src, srcOffset + done, staging, JAVA_FLOAT, 0, count);
            } else {
                for (int i = 0; i < count; i++) {
                    staging.setAtIndex(JAVA_DOUBLE, i, src[srcOffset + done + i]);
                }
            }
            gpu.copyToDevice(ptr(dst) + done * elem, staging, count * elem, stream);
            gpu.synchronize(stream);
        }
    }

    @Override
    protected void copyFromHostKernel(double[] src, int srcOffset, Tensor dst) {
        int n = dst.size();
        long elem = dst.dtype().bytes();
        int chunk = (int) (STAGING_BYTES / elem);
        for (int done = 0; done < n; done += chunk) {
            int count = Math.min(chunk, n - done);
            if (dst.dtype() == DType.FLOAT64) {
                MemorySegment.copy(src, srcOffset + done, staging, JAVA_DOUBLE, 0, count);
            } else {
                for (int i = 0; i < count; i++) {
                    staging.setAtIndex(JAVA_FLOAT, i, (float) src[srcOffset + done + i]);
                }
            }
            gpu.copyToDevice(ptr(dst) + done * elem, staging, count * elem, stream);
            gpu.synchronize(stream);
        }
    }

    @Override
    protected void copyToHostKernel(Tensor src, float[] dst, int dstOffset) {
        int n = src.size();
        long elem = src.dtype().bytes();
        int chunk = (int) (STAGING_BYTES / elem);
        for (int done = 0; done < n; done += chunk) {
            int count = Math.min(chunk, n - done);
            gpu.copyToHost(staging, ptr(src) + done * elem, count * elem, stream);
            gpu.synchronize(stream);
            if (src.dtype() == DType.FLOAT32) {
                MemorySegment.copy(staging, JAVA_FLOAT, 0, dst, dstOffset + done, count);
            } else {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + done + i] = (float) staging.getAtIndex(JAVA_DOUBLE, i);
                }
            }
        }
    }

    @Override
    protected void copyToHostKernel(Tensor src, double[] dst, int dstOffset) {
        int n = src.size();
        long elem = src.dtype().bytes();
        int chunk = (int) (STAGING_BYTES / elem);
        for (int done = 0; done < n; done += chunk) {
            int count = Math.min(chunk, n - done);
            gpu.copyToHost(staging, ptr(src) + done * elem, count * elem, stream);
            gpu.synchronize(stream);
            if (src.dtype() == DType.FLOAT64) {
                MemorySegment.copy(staging, JAVA_DOUBLE, 0, dst, dstOffset + done, count);
            } else {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + done + i] = staging.getAtIndex(JAVA_FLOAT, i);
                }
            }
        }
    }

    // ------------------------------------------------------------------ launches

    private void launch(String kernel, Geometry geometry) {
        args.check(kernel);
        gpu.launch(gpu.function(kernel), kernel, geometry, stream, args.kernelParams());
    }

    private static String k(String op, Tensor t) {
        return KernelCatalog.typed(op, t.dtype());
    }

    /** The plan the own GEMM uses for this shape (the options may force tile and split). */
    public GemmPlanner.Plan gemmPlan(DType dtype, int m, int n, int k) {
        return GemmPlanner.plan(dtype, m, n, k, sms, options.tile(), options.splits());
    }

    private void ownGemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c,
                         int mode, Tensor bias, Tensor z, Tensor aux) {
        DType dtype = c.dtype();
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        GemmPlanner.Plan plan = gemmPlan(dtype, m, n, k);
        long ws = plan.splits() > 1 ? workspace(plan.workspaceElements() * dtype.bytes()) : 0;
        int vec = 16 / dtype.bytes();
        int flags = (a.cols() % vec == 0 ? KernelCatalog.VEC_A : 0) | (b.cols() % vec == 0 ? KernelCatalog.VEC_B : 0)
                | (n % vec == 0 ? KernelCatalog.VEC_PARTIAL : 0);
        args.reset().ptr(ptr(a)).ptr(ptr(b)).ptr(ptr(c)).ptr(ptrOrNull(bias)).ptr(ptrOrNull(z)).ptr(ptrOrNull(aux))
                .ptr(ws).f64(alpha).f64(beta).i32(m).i32(n).i32(k).i32(a.cols()).i32(b.cols()).i32(n).i32(mode)
                .i32(plan.kChunk()).i32(flags);
        launch(KernelCatalog.gemm(dtype, transA, transB, plan.tile()), Geometry.gemm(plan));
        if (plan.splits() > 1) {
            args.reset().ptr(ws).i32(plan.splits()).ptr(ptr(c)).ptr(ptrOrNull(bias)).ptr(ptrOrNull(z))
                    .ptr(ptrOrNull(aux)).f64(alpha).f64(beta).i32(m).i32(n).i32(n).i32(mode);
            launch(k("splitk_reduce", c), Geometry.elementwise((long) m * n));
        }
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        if (cublas != null) {
            cublas.gemm(transA, transB, alpha, a.rows(), a.cols(), ptr(a), b.rows(), b.cols(), ptr(b), beta, c.dtype(),
                    c.rows(), c.cols(), ptr(c));
        } else {
            ownGemm(transA, transB, alpha, a, b, beta, c, KernelCatalog.EPI_LINEAR, null, null, null);
        }
    }

    @Override
    protected void addRowVectorKernel(Tensor x, Tensor row, Tensor out) {
        args.reset().ptr(ptr(x)).ptr(ptr(row)).ptr(ptr(out)).i32(x.rows()).i32(x.cols());
        launch(k("add_row", x), Geometry.elementwise(x.size()));
    }

    @Override
    protected void sigmoidKernel(Tensor x, Tensor out) {
        args.reset().ptr(ptr(x)).ptr(ptr(out)).i64(x.size());
        launch(k("sigmoid", x), Geometry.elementwise(x.size()));
    }

    @Override
    protected void sigmoidBackwardKernel(Tensor g, Tensor a, Tensor out) {
        args.reset().ptr(ptr(g)).ptr(ptr(a)).ptr(ptr(out)).i64(g.size());
        launch(k("sigmoid_backward", g), Geometry.elementwise(g.size()));
    }

    @Override
    protected void columnSumsKernel(Tensor x, Tensor out) {
        args.reset().ptr(ptr(x)).ptr(ptr(out)).i32(x.rows()).i32(x.cols());
        launch(k("column_sums", x), Geometry.columnSums(x.cols()));
    }

    @Override
    protected void axpyKernel(double alpha, Tensor x, Tensor y) {
        args.reset().f64(alpha).ptr(ptr(x)).ptr(ptr(y)).i64(x.size());
        launch(k("axpy", x), Geometry.elementwise(x.size()));
    }

    @Override
    protected void scaleKernel(double alpha, Tensor x) {
        args.reset().f64(alpha).ptr(ptr(x)).i64(x.size());
        launch(k("scale", x), Geometry.elementwise(x.size()));
    }

    private static int lossCode(Loss loss) {
        return loss == Loss.MSE ? KernelCatalog.LOSS_MSE : KernelCatalog.LOSS_BCE;
    }

    /** The loss kernel over a and y, optionally writing dz, then the final sum; returns the loss. */
    private double lossPass(Loss loss, Tensor z, Tensor a, Tensor y, Tensor dz, boolean value) {
        long n = a.size();
        Geometry g = Geometry.loss(n);
        args.reset().i32(lossCode(loss)).ptr(ptrOrNull(z)).ptr(ptr(a)).ptr(ptr(y)).ptr(ptrOrNull(dz))
                .ptr(value ? partials.pointer : 0).i32(a.rows()).i32(a.cols());
        launch(k("loss_grad", a), g);
        if (!value) {
            return Double.NaN;
        }
        long result = partials.pointer + Geometry.LOSS_MAX_BLOCKS * 8L;
        double divisor = loss == Loss.MSE ? 2.0 * a.rows() : a.rows();
        args.reset().ptr(partials.pointer).i32(g.gridX()).ptr(result).f64(divisor);
        launch("nabla_sum_partials", Geometry.sumPartials());
        gpu.copyToHost(staging, result, 8, stream);
        gpu.synchronize(stream);
        return staging.get(JAVA_DOUBLE, 0);
    }

    @Override
    protected double lossKernel(Loss loss, Tensor z, Tensor a, Tensor y) {
        return lossPass(loss, loss.needsLogits() ? z : null, a, y, null, true);
    }

    @Override
    protected void lossGradientKernel(Loss loss, Tensor a, Tensor y, Tensor dz) {
        lossPass(loss, null, a, y, dz, false);
    }

    @Override
    protected double lossAndGradientKernel(Loss loss, Tensor z, Tensor a, Tensor y, Tensor dz) {
        return lossPass(loss, loss.needsLogits() ? z : null, a, y, dz, true);
    }

    @Override
    protected void rowArgmaxKernel(Tensor x, int[] out) {
        int rows = x.rows();
        long bytes = (long) rows * 4;
        if (argmax == null || argmax.bytes < bytes) {
            if (argmax != null) {
                argmax.free();
            }
            argmax = null;
            argmax = scratch(Math.max(bytes, 4096), "the argmax indices");
        }
        args.reset().ptr(ptr(x)).ptr(argmax.pointer).i32(rows).i32(x.cols());
        Geometry g = Geometry.elementwise(rows);
        launch(k("row_argmax", x), g);
        int chunk = (int) (STAGING_BYTES / 4);
        for (int done = 0; done < rows; done += chunk) {
            int count = Math.min(chunk, rows - done);
            gpu.copyToHost(staging, argmax.pointer + 4L * done, 4L * count, stream);
            gpu.synchronize(stream);
            MemorySegment.copy(staging, JAVA_INT, 0, out, done, count);
        }
    }

    // ------------------------------------------------------------------ fused steps

    @Override
    protected void denseForwardKernel(Tensor x, Tensor w, Tensor b, Tensor z, Tensor a) {
        if (cublas != null) {
            Tensor pre = z != null ? z : a;
            gemmKernel(false, true, 1.0, x, w, 0.0, pre);
            args.reset().ptr(ptr(pre)).ptr(ptr(b)).ptr(ptrOrNull(z)).ptr(ptr(a)).i32(a.rows()).i32(a.cols());
            launch(k("bias_sigmoid", a), Geometry.elementwise(a.size()));
        } else {
            ownGemm(false, true, 1.0, x, w, 0.0, a, KernelCatalog.EPI_FORWARD, b, z, null);
        }
    }

    @Override
    protected void denseBackwardKernel(Tensor dz, Tensor w, Tensor aPrev, Tensor dzPrev) {
        if (cublas != null) {
            // dzPrev may be aPrev: then the product goes to the workspace first.
            long target = dzPrev == aPrev ? workspace((long) dzPrev.size() * dzPrev.dtype().bytes()) : ptr(dzPrev);
            cublas.gemm(false, false, 1.0, dz.rows(), dz.cols(), ptr(dz), w.rows(), w.cols(), ptr(w), 0.0, dz.dtype(),
                    dzPrev.rows(), dzPrev.cols(), target);
            args.reset().ptr(target).ptr(ptr(aPrev)).ptr(ptr(dzPrev)).i64(dzPrev.size());
            launch(k("sigmoid_backward", dzPrev), Geometry.elementwise(dzPrev.size()));
        } else {
            ownGemm(false, false, 1.0, dz, w, 0.0, dzPrev, KernelCatalog.EPI_BACKWARD, null, null, aPrev);
        }
    }

    @Override
    protected void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, double lr, double momentum) {
        args.reset().ptr(ptr(param)).ptr(ptr(grad)).ptr(ptrOrNull(velocity)).f64(lr).f64(momentum).i64(param.size());
        launch(k("sgd", param), Geometry.elementwise(param.size()));
    }
}
