package dev.nabla.tensor;

import java.util.Objects;
import java.util.Set;

/**
 * A tensor backend: creates tensors and runs the small set of operations that dense sigmoid networks
 * need, always into caller-supplied output tensors, so a warmed-up training step allocates nothing.
 *
 * <p>Every public operation validates its arguments here, once for all backends, and then calls the
 * backend's protected kernel. Misuse therefore fails fast with the same message on every backend: a
 * shape or dtype mismatch names both shapes, a tensor of another backend or a closed tensor is
 * named, and outputs may not alias inputs except where an operation says so.
 *
 * <p>The composite steps ({@link #denseForward}, {@link #denseBackward}, {@link #lossAndGradient},
 * {@link #sgdUpdate}) have default kernels that compose the primitives; a backend overrides them to
 * fuse passes. A backend instance is used from one thread at a time; several backends may be live in
 * one JVM.
 */
public abstract class Backend implements AutoCloseable {
    private final String id;
    private volatile boolean closed;

    protected Backend(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    /** The provider id this backend was created from, e.g. {@code reference} or {@code cpu}. */
    public final String id() {
        return id;
    }

    /** The dtypes this backend can allocate. */
    public abstract Set<DType> dtypes();

    /** One line describing the instance (threads, library versions...), for logs and reports. */
    public String description() {
        return id;
    }

    public final boolean isClosed() {
        return closed;
    }

    /** Frees everything this backend holds; its tensors become unusable. Idempotent. */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /** Frees backend-wide resources (thread pools, native memory). Called once, by {@link #close()}. */
    protected void release() {
    }

    // ------------------------------------------------------------------ allocation and host copies

    /** A new tensor of the given shape, filled with zeros. */
    public final Tensor zeros(DType dtype, int rows, int cols) {
        requireOpen();
        Objects.requireNonNull(dtype, "dtype");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("zeros: shape [" + rows + ", " + cols
                    + "] is not positive");
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("zeros: shape [" + rows + ", " + cols
                    + "] has more than 2^31 elements");
        }
        if (!dtypes().contains(dtype)) {
            throw new IllegalArgumentException("backend '" + id + "' does not support " + dtype
                    + " (supports " + dtypes() + ")");
        }
        return allocate(dtype, rows, cols);
    }

    /** Copies {@code dst.size()} values from {@code src}, starting at {@code srcOffset}, row-major. */
    public final void copyFromHost(float[] src, int srcOffset, Tensor dst) {
        checkHostRange("copyFromHost", src == null ? -1 : src.length, srcOffset, dst);
        copyFromHostKernel(src, srcOffset, dst);
    }

    /** Copies {@code dst.size()} values from {@code src}, starting at {@code srcOffset}, row-major. */
    public final void copyFromHost(double[] src, int srcOffset, Tensor dst) {
        checkHostRange("copyFromHost", src == null ? -1 : src.length, srcOffset, dst);
        copyFromHostKernel(src, srcOffset, dst);
    }

    /** Copies all of {@code src} (whose length must equal {@code dst.size()}) into {@code dst}. */
    public final void copyFromHost(float[] src, Tensor dst) {
        checkExactLength("copyFromHost", src == null ? -1 : src.length, dst);
        copyFromHostKernel(src, 0, dst);
    }

    /** Copies all of {@code src} (whose length must equal {@code dst.size()}) into {@code dst}. */
    public final void copyFromHost(double[] src, Tensor dst) {
        checkExactLength("copyFromHost", src == null ? -1 : src.length, dst);
        copyFromHostKernel(src, 0, dst);
    }

    /** Copies {@code src} row-major into {@code dst} from {@code dstOffset} (float64 values are rounded). */
    public final void copyToHost(Tensor src, float[] dst, int dstOffset) {
        checkHostRange("copyToHost", dst == null ? -1 : dst.length, dstOffset, src);
        copyToHostKernel(src, dst, dstOffset);
    }

    /** Copies {@code src} row-major into {@code dst} from {@code dstOffset}. */
    public final void copyToHost(Tensor src, double[] dst, int dstOffset) {
        checkHostRange("copyToHost", dst == null ? -1 : dst.length, dstOffset, src);
        copyToHostKernel(src, dst, dstOffset);
    }

    /** A new host array holding {@code src} row-major. */
    public final double[] toHostDoubles(Tensor src) {
        requireLive("toHost", "src", src);
        double[] out = new double[src.size()];
        copyToHostKernel(src, out, 0);
        return out;
    }

    /** A new host array holding {@code src} row-major (float64 values are rounded). */
    public final float[] toHostFloats(Tensor src) {
        requireLive("toHost", "src", src);
        float[] out = new float[src.size()];
        copyToHostKernel(src, out, 0);
        return out;
    }

    // ------------------------------------------------------------------ primitives

    /**
     * C = alpha * op(A) * op(B) + beta * C, where op(X) is X or its transpose; op(A) is [M, K],
     * op(B) is [K, N] and C is [M, N]. With beta = 0, C's old contents are ignored (NaNs included).
     * C may not be A or B.
     */
    public final void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b,
                           double beta, Tensor c) {
        requireLive("gemm", "a", a);
        requireSame("gemm", a, "b", b);
        requireSame("gemm", a, "c", c);
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb) {
            throw new IllegalArgumentException("gemm: inner dimensions differ: op(a) is "
                    + opShape(a, transA) + ", op(b) is " + opShape(b, transB));
        }
        if (c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: c is " + c.shape() + " but op(a) "
                    + opShape(a, transA) + " times op(b) " + opShape(b, transB) + " is [" + m + ", " + n + "]");
        }
        if (c == a || c == b) {
            throw new IllegalArgumentException("gemm: the output c may not be an input");
        }
        gemmKernel(transA, transB, alpha, a, b, beta, c);
    }

    /** out = x + row, with the 1 x n {@code row} added to every row of the m x n {@code x}. out may be x. */
    public final void addRowVector(Tensor x, Tensor row, Tensor out) {
        requireLive("addRowVector", "x", x);
        requireSame("addRowVector", x, "row", row);
        requireSame("addRowVector", x, "out", out);
        requireRowVector("addRowVector", "row", row, x.cols(), x);
        requireShape("addRowVector", "out", out, x);
        if (row == out) {
            throw new IllegalArgumentException("addRowVector: the output may not be the row vector");
        }
        addRowVectorKernel(x, row, out);
    }

    /** out = 1 / (1 + exp(-x)), elementwise. out may be x. */
    public final void sigmoid(Tensor x, Tensor out) {
        requireLive("sigmoid", "x", x);
        requireSame("sigmoid", x, "out", out);
        requireShape("sigmoid", "out", out, x);
        sigmoidKernel(x, out);
    }

    /** out = g * a * (1 - a), elementwise: the sigmoid's backward step from its output a. out may be g or a. */
    public final void sigmoidBackward(Tensor g, Tensor a, Tensor out) {
        requireLive("sigmoidBackward", "g", g);
        requireSame("sigmoidBackward", g, "a", a);
        requireSame("sigmoidBackward", g, "out", out);
        requireShape("sigmoidBackward", "a", a, g);
        requireShape("sigmoidBackward", "out", out, g);
        sigmoidBackwardKernel(g, a, out);
    }

    /** out (1 x n) = the sum of the rows of x (m x n). */
    public final void columnSums(Tensor x, Tensor out) {
        requireLive("columnSums", "x", x);
        requireSame("columnSums", x, "out", out);
        requireRowVector("columnSums", "out", out, x.cols(), x);
        if (out == x) {
            throw new IllegalArgumentException("columnSums: the output may not be the input");
        }
        columnSumsKernel(x, out);
    }

    /** y = y + alpha * x. */
    public final void axpy(double alpha, Tensor x, Tensor y) {
        requireLive("axpy", "x", x);
        requireSame("axpy", x, "y", y);
        requireShape("axpy", "y", y, x);
        axpyKernel(alpha, x, y);
    }

    /** x = alpha * x. */
    public final void scale(double alpha, Tensor x) {
        requireLive("scale", "x", x);
        scaleKernel(alpha, x);
    }

    /**
     * The loss of sigmoid outputs {@code a} against targets {@code y}, averaged over the rows (see
     * {@link Loss}). {@code z}, the output layer's pre-activation, is needed when
     * {@link Loss#needsLogits()} and ignored (may be null) otherwise.
     */
    public final double loss(Loss loss, Tensor z, Tensor a, Tensor y) {
        checkLossArguments("loss", loss, true, z, a, y);
        return lossKernel(loss, z, a, y);
    }

    /** dz = dLoss/dz for sigmoid outputs a against targets y, averaged over the rows. dz may be a. */
    public final void lossGradient(Loss loss, Tensor a, Tensor y, Tensor dz) {
        checkLossArguments("lossGradient", loss, false, null, a, y);
        requireSame("lossGradient", a, "dz", dz);
        requireShape("lossGradient", "dz", dz, a);
        if (dz == y) {
            throw new IllegalArgumentException("lossGradient: the output may not be the targets");
        }
        lossGradientKernel(loss, a, y, dz);
    }

    /** out[r] = the column index of the largest value in row r (the first one on ties). */
    public final void rowArgmax(Tensor x, int[] out) {
        requireLive("rowArgmax", "x", x);
        Objects.requireNonNull(out, "rowArgmax: out is null");
        if (out.length < x.rows()) {
            throw new IllegalArgumentException("rowArgmax: out has length " + out.length + " but x "
                    + x.shape() + " has " + x.rows() + " rows");
        }
        rowArgmaxKernel(x, out);
    }

    // ------------------------------------------------------------------ composite steps

    /**
     * A dense sigmoid layer's forward pass over a mini-batch: Z = X W^T + b, A = sigmoid(Z), with X
     * [B, in], W [out, in], b [1, out], A [B, out]. Z (same shape as A) receives the pre-activation
     * when given; pass null where only A is needed.
     */
    public final void denseForward(Tensor x, Tensor w, Tensor b, Tensor z, Tensor a) {
        requireLive("denseForward", "x", x);
        requireSame("denseForward", x, "w", w);
        requireSame("denseForward", x, "b", b);
        requireSame("denseForward", x, "a", a);
        if (w.cols() != x.cols()) {
            throw new IllegalArgumentException("denseForward: x is " + x.shape() + " but w is "
                    + w.shape() + " (expected [out, " + x.cols() + "])");
        }
        requireRowVector("denseForward", "b", b, w.rows(), w);
        if (a.rows() != x.rows() || a.cols() != w.rows()) {
            throw new IllegalArgumentException("denseForward: a is " + a.shape() + ", expected ["
                    + x.rows() + ", " + w.rows() + "] for x " + x.shape() + " and w " + w.shape());
        }
        if (z != null) {
            requireSame("denseForward", x, "z", z);
            requireShape("denseForward", "z", z, a);
            if (z == a) {
                throw new IllegalArgumentException("denseForward: z and a must be different tensors");
            }
        }
        if (a == x || a == w || a == b || (z != null && (z == x || z == w || z == b))) {
            throw new IllegalArgumentException("denseForward: an output may not be an input");
        }
        denseForwardKernel(x, w, b, z, a);
    }

    /**
     * A dense sigmoid layer's input gradient: dzPrev = (dz W) * aPrev * (1 - aPrev), with dz [B, out],
     * W [out, in] and aPrev [B, in] the previous layer's saved activations.
     */
    public final void denseBackward(Tensor dz, Tensor w, Tensor aPrev, Tensor dzPrev) {
        requireLive("denseBackward", "dz", dz);
        requireSame("denseBackward", dz, "w", w);
        requireSame("denseBackward", dz, "aPrev", aPrev);
        requireSame("denseBackward", dz, "dzPrev", dzPrev);
        if (dz.cols() != w.rows() || aPrev.rows() != dz.rows() || aPrev.cols() != w.cols()) {
            throw new IllegalArgumentException("denseBackward: dz " + dz.shape() + ", w " + w.shape()
                    + " and aPrev " + aPrev.shape() + " do not chain (expected dz [B, out], w [out, in], aPrev [B, in])");
        }
        requireShape("denseBackward", "dzPrev", dzPrev, aPrev);
        if (dzPrev == dz || dzPrev == w) {
            throw new IllegalArgumentException("denseBackward: the output may not be dz or w");
        }
        denseBackwardKernel(dz, w, aPrev, dzPrev);
    }

    /** {@link #loss} and {@link #lossGradient} in one call (one pass on backends that fuse them). dz may be a. */
    public final double lossAndGradient(Loss loss, Tensor z, Tensor a, Tensor y, Tensor dz) {
        checkLossArguments("lossAndGradient", loss, true, z, a, y);
        requireSame("lossAndGradient", a, "dz", dz);
        requireShape("lossAndGradient", "dz", dz, a);
        if (dz == y || dz == z) {
            throw new IllegalArgumentException("lossAndGradient: dz may not be the targets or the logits");
        }
        return lossAndGradientKernel(loss, z, a, y, dz);
    }

    /**
     * One SGD step on a parameter: without momentum p = p - lr * grad; with momentum mu > 0
     * v = mu * v + grad, p = p - lr * v ({@code velocity} is then required).
     */
    public final void sgdUpdate(Tensor param, Tensor grad, Tensor velocity, double lr, double momentum) {
        requireLive("sgdUpdate", "param", param);
        requireSame("sgdUpdate", param, "grad", grad);
        requireShape("sgdUpdate", "grad", grad, param);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("sgdUpdate: momentum " + momentum + " is not in [0, 1)");
        }
        if (momentum > 0) {
            if (velocity == null) {
                throw new IllegalArgumentException("sgdUpdate: momentum " + momentum + " needs a velocity tensor");
            }
            requireSame("sgdUpdate", param, "velocity", velocity);
            requireShape("sgdUpdate", "velocity", velocity, param);
        }
        if (param == grad || param == velocity || grad == velocity) {
            throw new IllegalArgumentException("sgdUpdate: param, grad and velocity must be different tensors");
        }
        sgdUpdateKernel(param, grad, momentum > 0 ? velocity : null, lr, momentum);
    }

    // ------------------------------------------------------------------ kernels

    /** A zero-filled tensor; the arguments are already validated. */
    protected abstract Tensor allocate(DType dtype, int rows, int cols);

    protected abstract void copyFromHostKernel(float[] src, int srcOffset, Tensor dst);

    protected abstract void copyFromHostKernel(double[] src, int srcOffset, Tensor dst);

    protected abstract void copyToHostKernel(Tensor src, float[] dst, int dstOffset);

    protected abstract void copyToHostKernel(Tensor src, double[] dst, int dstOffset);

    protected abstract void gemmKernel(boolean transA, boolean transB, double alpha, Tensor a, Tensor b,
                                       double beta, Tensor c);

    protected abstract void addRowVectorKernel(Tensor x, Tensor row, Tensor out);

    protected abstract void sigmoidKernel(Tensor x, Tensor out);

    protected abstract void sigmoidBackwardKernel(Tensor g, Tensor a, Tensor out);

    protected abstract void columnSumsKernel(Tensor x, Tensor out);

    protected abstract void axpyKernel(double alpha, Tensor x, Tensor y);

    protected abstract void scaleKernel(double alpha, Tensor x);

    protected abstract double lossKernel(Loss loss, Tensor z, Tensor a, Tensor y);

    protected abstract void lossGradientKernel(Loss loss, Tensor a, Tensor y, Tensor dz);

    protected abstract void rowArgmaxKernel(Tensor x, int[] out);

    protected void denseForwardKernel(Tensor x, Tensor w, Tensor b, Tensor z, Tensor a) {
        Tensor pre = z != null ? z : a;
        gemmKernel(false, true, 1.0, x, w, 0.0, pre);
        addRowVectorKernel(pre, b, pre);
        sigmoidKernel(pre, a);
    }

    protected void denseBackwardKernel(Tensor dz, Tensor w, Tensor aPrev, Tensor dzPrev) {
        gemmKernel(false, false, 1.0, dz, w, 0.0, dzPrev);
        sigmoidBackwardKernel(dzPrev, aPrev, dzPrev);
    }

    protected double lossAndGradientKernel(Loss loss, Tensor z, Tensor a, Tensor y, Tensor dz) {
        double value = lossKernel(loss, z, a, y);
        lossGradientKernel(loss, a, y, dz);
        return value;
    }

    protected void sgdUpdateKernel(Tensor param, Tensor grad, Tensor velocity, double lr, double momentum) {
        if (velocity == null) {
            axpyKernel(-lr, grad, param);
        } else {
            scaleKernel(momentum, velocity);
            axpyKernel(1.0, grad, velocity);
            axpyKernel(-lr, velocity, param);
        }
    }

    // ------------------------------------------------------------------ validation

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("backend '" + id + "' is closed");
        }
    }

    /** Checks that {@code t} is a live tensor of this backend. */
    protected final void requireLive(String op, String name, Tensor t) {
        requireOpen();
        if (t == null) {
            throw new NullPointerException(op + ": tensor '" + name + "' is null");
        }
        if (t.backend() != this) {
            String other = t.backend().id();
            throw new IllegalArgumentException(op + ": tensor '" + name + "' " + t.shape()
                    + " belongs to backend '" + other + "'" + (other.equals(id) ? " (another instance)" : "")
                    + ", not to this '" + id + "' backend: copy it through the host first");
        }
        if (t.isClosed()) {
            throw new IllegalStateException(op + ": tensor '" + name + "' " + t.shape() + " is closed");
        }
    }

    /** Checks that {@code t} is live, of this backend, and of the same dtype as {@code first}. */
    private void requireSame(String op, Tensor first, String name, Tensor t) {
        requireLive(op, name, t);
        if (t.dtype() != first.dtype()) {
            throw new IllegalArgumentException(op + ": dtype mismatch: tensor '" + name + "' "
                    + t.shape() + " is " + t.dtype() + " but the operation's first tensor "
                    + first.shape() + " is " + first.dtype());
        }
    }

    private static void requireShape(String op, String name, Tensor t, Tensor like) {
        if (t.rows() != like.rows() || t.cols() != like.cols()) {
            throw new IllegalArgumentException(op + ": shape mismatch: '" + name + "' is " + t.shape()
                    + " but must be " + like.shape());
        }
    }

    private static void requireRowVector(String op, String name, Tensor t, int cols, Tensor against) {
        if (t.rows() != 1 || t.cols() != cols) {
            throw new IllegalArgumentException(op + ": shape mismatch: '" + name + "' is " + t.shape()
                    + " but must be [1, " + cols + "] to match " + against.shape());
        }
    }

    private void checkLossArguments(String op, Loss loss, boolean evaluatesLoss, Tensor z, Tensor a, Tensor y) {
        Objects.requireNonNull(loss, op + ": loss is null");
        requireLive(op, "a", a);
        requireSame(op, a, "y", y);
        requireShape(op, "y", y, a);
        if (evaluatesLoss && loss.needsLogits()) {
            if (z == null) {
                throw new IllegalArgumentException(op + ": loss " + loss + " needs the logits z");
            }
            requireSame(op, a, "z", z);
            requireShape(op, "z", z, a);
        }
    }

    private void checkHostRange(String op, int length, int offset, Tensor t) {
        requireLive(op, "tensor", t);
        if (length < 0) {
            throw new NullPointerException(op + ": host array is null");
        }
        if (offset < 0 || (long) offset + t.size() > length) {
            throw new IllegalArgumentException(op + ": host array of length " + length + " from offset "
                    + offset + " cannot hold the " + t.size() + " values of " + t.shape());
        }
    }

    private void checkExactLength(String op, int length, Tensor t) {
        requireLive(op, "tensor", t);
        if (length < 0) {
            throw new NullPointerException(op + ": host array is null");
        }
        if (length != t.size()) {
            throw new IllegalArgumentException(op + ": host array has " + length + " values but "
                    + t.shape() + " holds " + t.size());
        }
    }

    private static String opShape(Tensor t, boolean transposed) {
        return transposed ? "[" + t.cols() + ", " + t.rows() + "] (" + t.shape() + " transposed)" : t.shape();
    }

    @Override
    public String toString() {
        return "backend '" + id + "'" + (closed ? " (closed)" : "");
    }
}
