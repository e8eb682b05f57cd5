package dev.nabla.tensor;

import java.util.Objects;
import java.util.Set;

/**
 * A tensor backend: creates tensors and runs the small set of operations that dense sigmoid networks
 * need, always into caller-supplied output tensors, so a warmed-up training step allocates nothing.
 * Obtain one from {@link dev.nabla.spi.Backends} ({@code Backends.create("cpu")},
 * {@code Backends.createDefault()}) and close it when done.
 *
 * <p>Tensors are 2-D and row-major ({@link Tensor}); shapes are written [rows, cols]. All tensors of
 * one operation must belong to this backend instance and have the same {@link DType}; scalars
 * ({@code alpha}, {@code lr}...) are passed as {@code double} whatever the dtype (a float32 kernel
 * may round them to float).
 *
 * <p>Every public operation validates its arguments here, once for all backends, and then calls the
 * backend's protected kernel. Misuse therefore fails fast with the same message on every backend: a
 * shape or dtype mismatch names both shapes, a tensor of another backend or a closed tensor is
 * named, and outputs may not alias inputs except where an operation says so. The exceptions are the
 * same for every operation:
 * <ul>
 *   <li>{@link NullPointerException}: a required tensor, host array or loss is null;</li>
 *   <li>{@link IllegalArgumentException}: shapes or dtypes do not match, a tensor belongs to another
 *       backend (or another instance of this one), a host range is out of bounds, or an output is an
 *       input it may not be;</li>
 *   <li>{@link IllegalStateException}: this backend or one of the tensors is closed.</li>
 * </ul>
 *
 * <p>The composite steps ({@link #denseForward}, {@link #denseBackward}, {@link #lossAndGradient},
 * {@link #sgdUpdate}) have default kernels that compose the primitives; a backend overrides them to
 * fuse passes.
 *
 * <p><b>Threads and ownership.</b> A backend instance, and every tensor it created, is used from one
 * thread at a time (a backend may use threads of its own inside an operation); use one backend per
 * thread for parallel work. Several backends may be live in one JVM. A backend holds threads and
 * memory (native memory on some backends): {@link #close()} it when done; its tensors are unusable
 * afterwards.
 *
 * <p><b>Writing a backend.</b> Extend this class, implement {@link #dtypes()}, {@link #allocate} and
 * the abstract {@code ...Kernel} methods, override {@link #release()} to free backend-wide resources,
 * and register a {@link dev.nabla.spi.BackendProvider}. A kernel is called only after its public
 * operation has validated everything: the backend is open, every tensor is non-null, open, created
 * by this instance (so it may be cast to the backend's own tensor class) and of one dtype in
 * {@link #dtypes()}, every shape agrees, and no output aliases an input except where the kernel's
 * comment allows it. Kernels write every element of their outputs (those that update in place,
 * such as {@code axpy}, read them first) and must not keep references to host arrays. The conformance suite ({@code dev.nabla.conformance.BackendConformanceTest} in
 * {@code nabla-core}'s test-jar) checks a backend against these contracts and the tolerances of
 * docs/design.md.
 */
public abstract class Backend implements AutoCloseable {
    private final String id;
    private volatile boolean closed;

    /**
     * Creates an open backend.
     *
     * @param id the id of the provider that creates it, e.g. {@code cpu}; never null
     * @throws NullPointerException if {@code id} is null
     */
    protected Backend(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    /**
     * The provider id this backend was created from, e.g. {@code reference} or {@code cpu}.
     *
     * @return the id of this backend's {@link dev.nabla.spi.BackendProvider}
     */
    public final String id() {
        return id;
    }

    /**
     * The dtypes this backend can allocate; {@link #zeros} refuses any other.
     *
     * @return the supported dtypes, never empty
     */
    public abstract Set<DType> dtypes();

    /**
     * One line describing the instance (threads, library versions...), for logs and reports.
     * The default is the {@link #id()}.
     *
     * @return a one-line description of this instance
     */
    public String description() {
        return id;
    }

    /**
     * Whether {@link #close()} has been called. Every operation of a closed backend throws
     * {@link IllegalStateException}.
     *
     * @return true once the backend is closed
     */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Frees everything this backend holds (threads, native memory); its tensors become unusable,
     * since every operation on them now throws {@link IllegalStateException}. Idempotent: only the
     * first call does anything. Close a backend's networks and tensors before the backend itself.
     */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /**
     * Frees backend-wide resources (thread pools, native memory). Called once, by the first
     * {@link #close()}, after {@link #isClosed()} has become true. The default does nothing; a
     * backend whose tensors hold native memory frees the tensors still open here too.
     */
    protected void release() {
    }

    // ------------------------------------------------------------------ allocation and host copies

    /**
     * A new tensor of the given shape, filled with zeros. The caller owns it: close it when done (it
     * frees native memory on off-heap backends; on heap backends closing only marks it unusable).
     *
     * @param dtype the element type; one of {@link #dtypes()}
     * @param rows the number of rows, at least 1
     * @param cols the number of columns, at least 1
     * @return a new zero-filled [rows, cols] tensor of this backend
     * @throws NullPointerException if {@code dtype} is null
     * @throws IllegalArgumentException if a dimension is not positive, the tensor would have more than
     *     {@code Integer.MAX_VALUE - 8} elements, or this backend does not support {@code dtype}
     * @throws IllegalStateException if this backend is closed
     */
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

    /**
     * Copies {@code dst.size()} values from {@code src}, starting at {@code srcOffset}, into
     * {@code dst} row-major. Into a float64 tensor the values are widened exactly.
     *
     * @param src the host values; only {@code src[srcOffset, srcOffset + dst.size())} is read
     * @param srcOffset the index of the first value to copy
     * @param dst the tensor to overwrite
     * @throws NullPointerException if {@code src} or {@code dst} is null
     * @throws IllegalArgumentException if {@code srcOffset} is negative or {@code src} holds fewer
     *     than {@code dst.size()} values from it, or {@code dst} belongs to another backend
     * @throws IllegalStateException if this backend or {@code dst} is closed
     */
    public final void copyFromHost(float[] src, int srcOffset, Tensor dst) {
        checkHostRange("copyFromHost", src == null ? -1 : src.length, srcOffset, dst);
        copyFromHostKernel(src, srcOffset, dst);
    }

    /**
     * Copies {@code dst.size()} values from {@code src}, starting at {@code srcOffset}, into
     * {@code dst} row-major. Into a float32 tensor the values are rounded to the nearest float, as
     * a Java {@code (float)} cast does.
     *
     * @param src the host values; only {@code src[srcOffset, srcOffset + dst.size())} is read
     * @param srcOffset the index of the first value to copy
     * @param dst the tensor to overwrite
     * @throws NullPointerException if {@code src} or {@code dst} is null
     * @throws IllegalArgumentException if {@code srcOffset} is negative or {@code src} holds fewer
     *     than {@code dst.size()} values from it, or {@code dst} belongs to another backend
     * @throws IllegalStateException if this backend or {@code dst} is closed
     */
    public final void copyFromHost(double[] src, int srcOffset, Tensor dst) {
        checkHostRange("copyFromHost", src == null ? -1 : src.length, srcOffset, dst);
        copyFromHostKernel(src, srcOffset, dst);
    }

    /**
     * Copies all of {@code src} into {@code dst} row-major; into a float64 tensor the values are
     * widened exactly.
     *
     * @param src the host values; its length must equal {@code dst.size()}
     * @param dst the tensor to overwrite
     * @throws NullPointerException if {@code src} or {@code dst} is null
     * @throws IllegalArgumentException if the lengths differ or {@code dst} belongs to another backend
     * @throws IllegalStateException if this backend or {@code dst} is closed
     */
    public final void copyFromHost(float[] src, Tensor dst) {
        checkExactLength("copyFromHost", src == null ? -1 : src.length, dst);
        copyFromHostKernel(src, 0, dst);
    }

    /**
     * Copies all of {@code src} into {@code dst} row-major; into a float32 tensor the values are
     * rounded to the nearest float.
     *
     * @param src the host values; its length must equal {@code dst.size()}
     * @param dst the tensor to overwrite
     * @throws NullPointerException if {@code src} or {@code dst} is null
     * @throws IllegalArgumentException if the lengths differ or {@code dst} belongs to another backend
     * @throws IllegalStateException if this backend or {@code dst} is closed
     */
    public final void copyFromHost(double[] src, Tensor dst) {
        checkExactLength("copyFromHost", src == null ? -1 : src.length, dst);
        copyFromHostKernel(src, 0, dst);
    }

    /**
     * Copies all of {@code src} row-major into {@code dst}, starting at {@code dstOffset}; float64
     * values are rounded to the nearest float. The rest of {@code dst} is left as it was.
     *
     * @param src the tensor to read
     * @param dst the host array to write {@code src.size()} values into
     * @param dstOffset the index in {@code dst} of the first value
     * @throws NullPointerException if {@code src} or {@code dst} is null
     * @throws IllegalArgumentException if {@code dstOffset} is negative, {@code dst} has no room for
     *     {@code src.size()} values from it, or {@code src} belongs to another backend
     * @throws IllegalStateException if this backend or {@code src} is closed
     */
    public final void copyToHost(Tensor src, float[] dst, int dstOffset) {
        checkHostRange("copyToHost", dst == null ? -1 : dst.length, dstOffset, src);
        copyToHostKernel(src, dst, dstOffset);
    }

    /**
     * Copies all of {@code src} row-major into {@code dst}, starting at {@code dstOffset}; float32
     * values are widened exactly. The rest of {@code dst} is left as it was.
     *
     * @param src the tensor to read
     * @param dst the host array to write {@code src.size()} values into
     * @param dstOffset the index in {@code dst} of the first value
     * @throws NullPointerException if {@code src} or {@code dst} is null
     * @throws IllegalArgumentException if {@code dstOffset} is negative, {@code dst} has no room for
     *     {@code src.size()} values from it, or {@code src} belongs to another backend
     * @throws IllegalStateException if this backend or {@code src} is closed
     */
    public final void copyToHost(Tensor src, double[] dst, int dstOffset) {
        checkHostRange("copyToHost", dst == null ? -1 : dst.length, dstOffset, src);
        copyToHostKernel(src, dst, dstOffset);
    }

    /**
     * A new host array holding {@code src} row-major (float32 values widened exactly). Allocates;
     * use {@link #copyToHost(Tensor, double[], int)} in loops.
     *
     * @param src the tensor to read
     * @return a new array of {@code src.size()} values
     * @throws NullPointerException if {@code src} is null
     * @throws IllegalArgumentException if {@code src} belongs to another backend
     * @throws IllegalStateException if this backend or {@code src} is closed
     */
    public final double[] toHostDoubles(Tensor src) {
        requireLive("toHost", "src", src);
        double[] out = new double[src.size()];
        copyToHostKernel(src, out, 0);
        return out;
    }

    /**
     * A new host array holding {@code src} row-major (float64 values rounded to the nearest float).
     * Allocates; use {@link #copyToHost(Tensor, float[], int)} in loops.
     *
     * @param src the tensor to read
     * @return a new array of {@code src.size()} values
     * @throws NullPointerException if {@code src} is null
     * @throws IllegalArgumentException if {@code src} belongs to another backend
     * @throws IllegalStateException if this backend or {@code src} is closed
     */
    public final float[] toHostFloats(Tensor src) {
        requireLive("toHost", "src", src);
        float[] out = new float[src.size()];
        copyToHostKernel(src, out, 0);
        return out;
    }

    // ------------------------------------------------------------------ primitives

    /**
     * General matrix product: C = alpha * op(A) * op(B) + beta * C, where op(X) is X or its
     * transpose; op(A) is [M, K], op(B) is [K, N] and C is [M, N]. With beta = 0, C's old contents
     * are ignored (NaNs included), as in BLAS. C may not be A or B; A and B may be the same tensor.
     *
     * @param transA whether op(A) is the transpose of {@code a}
     * @param transB whether op(B) is the transpose of {@code b}
     * @param alpha the factor of the product
     * @param a the left operand A
     * @param b the right operand B
     * @param beta the factor of C's old contents; 0 ignores them
     * @param c the output C, [M, N]
     * @throws IllegalArgumentException if the inner dimensions differ, {@code c} has the wrong shape
     *     or is {@code a} or {@code b} (and see the class comment)
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

    /**
     * Broadcast addition: out = x + row, with the [1, n] {@code row} added to every row of the
     * [m, n] {@code x}; the bias step of a dense layer.
     *
     * @param x the matrix, [m, n]
     * @param row the row vector, [1, n]
     * @param out the output, [m, n]; may be {@code x}, not {@code row}
     * @throws IllegalArgumentException if the shapes do not match or {@code out} is {@code row}
     */
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

    /**
     * The logistic sigmoid, elementwise: out = 1 / (1 + exp(-x)).
     *
     * @param x the input
     * @param out the output, of {@code x}'s shape; may be {@code x}
     * @throws IllegalArgumentException if the shapes differ
     */
    public final void sigmoid(Tensor x, Tensor out) {
        requireLive("sigmoid", "x", x);
        requireSame("sigmoid", x, "out", out);
        requireShape("sigmoid", "out", out, x);
        sigmoidKernel(x, out);
    }

    /**
     * The sigmoid's backward step from its output, elementwise: out = g * a * (1 - a), where
     * {@code a} = sigmoid(z) was saved by the forward pass and {@code g} is dLoss/da.
     *
     * @param g the gradient with respect to the sigmoid's output
     * @param a the sigmoid's output, of {@code g}'s shape
     * @param out the output dLoss/dz, of {@code g}'s shape; may be {@code g} or {@code a}
     * @throws IllegalArgumentException if the shapes differ
     */
    public final void sigmoidBackward(Tensor g, Tensor a, Tensor out) {
        requireLive("sigmoidBackward", "g", g);
        requireSame("sigmoidBackward", g, "a", a);
        requireSame("sigmoidBackward", g, "out", out);
        requireShape("sigmoidBackward", "a", a, g);
        requireShape("sigmoidBackward", "out", out, g);
        sigmoidBackwardKernel(g, a, out);
    }

    /**
     * Column sums: out[0, j] = the sum over i of x[i, j]; the bias gradient of a dense layer.
     *
     * @param x the matrix, [m, n]
     * @param out the output, [1, n]; not {@code x}
     * @throws IllegalArgumentException if {@code out} is not [1, n] or is {@code x}
     */
    public final void columnSums(Tensor x, Tensor out) {
        requireLive("columnSums", "x", x);
        requireSame("columnSums", x, "out", out);
        requireRowVector("columnSums", "out", out, x.cols(), x);
        if (out == x) {
            throw new IllegalArgumentException("columnSums: the output may not be the input");
        }
        columnSumsKernel(x, out);
    }

    /**
     * y = y + alpha * x, elementwise (BLAS axpy).
     *
     * @param alpha the factor of {@code x}
     * @param x the tensor to add
     * @param y the tensor updated in place, of {@code x}'s shape; may be {@code x}
     * @throws IllegalArgumentException if the shapes differ
     */
    public final void axpy(double alpha, Tensor x, Tensor y) {
        requireLive("axpy", "x", x);
        requireSame("axpy", x, "y", y);
        requireShape("axpy", "y", y, x);
        axpyKernel(alpha, x, y);
    }

    /**
     * x = alpha * x, in place.
     *
     * @param alpha the factor
     * @param x the tensor to scale
     */
    public final void scale(double alpha, Tensor x) {
        requireLive("scale", "x", x);
        scaleKernel(alpha, x);
    }

    /**
     * The loss of sigmoid outputs {@code a} against targets {@code y}, averaged over the B rows (see
     * {@link Loss} for the formulas). {@code z}, the output layer's pre-activation, is needed when
     * {@link Loss#needsLogits()} and ignored otherwise (it is then neither read nor checked, and may
     * be null).
     *
     * @param loss the loss function
     * @param z the logits, of {@code a}'s shape, where {@code loss.needsLogits()}; else ignored
     * @param a the network's outputs, [B, outputs]
     * @param y the targets, of {@code a}'s shape
     * @return the mean loss over the rows, in double precision whatever the dtype
     * @throws NullPointerException if {@code loss}, {@code a} or {@code y} is null
     * @throws IllegalArgumentException if the shapes differ, or {@code z} is null where it is needed
     */
    public final double loss(Loss loss, Tensor z, Tensor a, Tensor y) {
        checkLossArguments("loss", loss, true, z, a, y);
        return lossKernel(loss, z, a, y);
    }

    /**
     * The loss's gradient with respect to the output layer's pre-activation: dz = dLoss/dz for
     * sigmoid outputs {@code a} against targets {@code y}, with the loss averaged over the B rows:
     * (a - y) a (1 - a) / B for {@link Loss#MSE}, (a - y) / B for {@link Loss#BCE}.
     *
     * @param loss the loss function
     * @param a the network's outputs, [B, outputs]
     * @param y the targets, of {@code a}'s shape
     * @param dz the output, of {@code a}'s shape; may be {@code a}, not {@code y}
     * @throws NullPointerException if {@code loss} or a tensor is null
     * @throws IllegalArgumentException if the shapes differ or {@code dz} is {@code y}
     */
    public final void lossGradient(Loss loss, Tensor a, Tensor y, Tensor dz) {
        checkLossArguments("lossGradient", loss, false, null, a, y);
        requireSame("lossGradient", a, "dz", dz);
        requireShape("lossGradient", "dz", dz, a);
        if (dz == y) {
            throw new IllegalArgumentException("lossGradient: the output may not be the targets");
        }
        lossGradientKernel(loss, a, y, dz);
    }

    /**
     * The index of each row's largest value: out[r] = the column of the largest value in row r (the
     * first one on ties), for r below {@code x.rows()}; the rest of {@code out} is left as it was.
     * Used for classification accuracy. Rows holding NaN give a backend-dependent answer.
     *
     * @param x the matrix, [m, n]
     * @param out receives the m indices; its length must be at least m
     * @throws NullPointerException if {@code x} or {@code out} is null
     * @throws IllegalArgumentException if {@code out} is shorter than {@code x.rows()}
     */
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
     * when given; pass null where only A is needed (the output layer needs Z for {@link Loss#BCE}).
     *
     * @param x the layer's input X, [B, in]
     * @param w the weights W, [out, in]
     * @param b the bias, [1, out]
     * @param z receives Z, [B, out]; or null
     * @param a receives A, [B, out]
     * @throws IllegalArgumentException if the shapes do not chain, {@code z} is {@code a}, or an
     *     output is {@code x}, {@code w} or {@code b}
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
     * A dense sigmoid layer's backward step to the previous layer: dzPrev = (dz W) * aPrev * (1 -
     * aPrev), with dz [B, out] this layer's dLoss/dz, W [out, in] and aPrev [B, in] the previous
     * layer's saved activations (this layer's input). The weight and bias gradients are separate
     * calls: {@link #gemm} (dW = dz^T aPrev) and {@link #columnSums} (db).
     *
     * <p>{@code dzPrev} must not be {@code aPrev} either: that is not checked, and every backend then
     * computes a wrong result.
     *
     * @param dz this layer's gradient dLoss/dz, [B, out]
     * @param w this layer's weights, [out, in]
     * @param aPrev the previous layer's activations, [B, in]
     * @param dzPrev receives the previous layer's dLoss/dz, [B, in]
     * @throws IllegalArgumentException if the shapes do not chain or {@code dzPrev} is {@code dz} or
     *     {@code w}
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
        if (dzPrev == dz || dzPrev == w || dzPrev == aPrev) {
            // aPrev is read after the product is written: in place it would be overwritten first.
            throw new IllegalArgumentException("denseBackward: the output may not be dz, w or aPrev");
        }
        denseBackwardKernel(dz, w, aPrev, dzPrev);
    }

    /**
     * {@link #loss} and {@link #lossGradient} in one call (one pass on backends that fuse them). The
     * loss is that of {@code a} before {@code dz} is written, even when {@code dz} is {@code a}.
     *
     * @param loss the loss function
     * @param z the logits, of {@code a}'s shape, where {@code loss.needsLogits()}; else ignored
     * @param a the network's outputs, [B, outputs]
     * @param y the targets, of {@code a}'s shape
     * @param dz receives dLoss/dz, of {@code a}'s shape; may be {@code a}, not {@code y} or {@code z}
     * @return the mean loss over the rows
     * @throws NullPointerException if {@code loss} or a required tensor is null
     * @throws IllegalArgumentException if the shapes differ, {@code z} is null where it is needed, or
     *     {@code dz} is {@code y} or {@code z}
     */
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
     * One SGD step on a parameter: without momentum p = p - lr * grad; with momentum mu &gt; 0
     * v = mu * v + grad, p = p - lr * v (PyTorch's form; {@code velocity} is then required). With
     * momentum 0, {@code velocity} is ignored and may be null. {@code lr} is not checked.
     *
     * @param param the parameter p, updated in place
     * @param grad the gradient, of {@code param}'s shape
     * @param velocity the momentum buffer v, of {@code param}'s shape, updated in place; needed only
     *     when {@code momentum} &gt; 0
     * @param lr the learning rate
     * @param momentum the momentum mu, in [0, 1)
     * @throws IllegalArgumentException if {@code momentum} is outside [0, 1), {@code velocity} is
     *     missing where needed, a shape differs, or two of the tensors are the same
     */
    public final void sgdUpdate(Tensor param, Tensor grad, Tensor velocity, double lr, double momentum) {
        requireLive("sgdUpdate", "param", param);
        requireSame("sgdUpdate", param, "grad", grad);
        requireShape("sgdUpdate", "grad", grad, param);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("sgdUpdate: momentum " + momentum + " is not in [0, 1)");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("sgdUpdate: learning rate " + lr + " is not a positive finite number");
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

    // Every kernel below runs after its public operation's checks (see the class comment): the
    // backend is open, the tensors are live, of this instance and of one supported dtype, and the
    // shapes agree. Each comment says what else is already known and which aliasing can occur.

    /**
     * Allocates a zero-filled tensor, for {@link #zeros}. Already checked: the backend is open,
     * {@code dtype} is non-null and in {@link #dtypes()}, both dimensions are positive and the
     * tensor has at most {@code Integer.MAX_VALUE - 8} elements, so {@code rows * cols} fits an
     * {@code int}. A backend that runs out of memory should say how much it wanted.
     *
     * @param dtype the element type, supported by this backend
     * @param rows the number of rows, at least 1
     * @param cols the number of columns, at least 1
     * @return a new zero-filled tensor whose {@link Tensor#backend()} is this instance
     */
    protected abstract Tensor allocate(DType dtype, int rows, int cols);

    /**
     * Copies {@code dst.size()} values from {@code src[srcOffset...]} into {@code dst} row-major,
     * converting to {@code dst}'s dtype (exact into float64). Serves both float
     * {@code copyFromHost} overloads; the range is in bounds. {@code dst} may be of either dtype.
     *
     * @param src the host values, non-null
     * @param srcOffset the index of the first value, with room for {@code dst.size()} values
     * @param dst the tensor to overwrite
     */
    protected abstract void copyFromHostKernel(float[] src, int srcOffset, Tensor dst);

    /**
     * Copies {@code dst.size()} values from {@code src[srcOffset...]} into {@code dst} row-major,
     * converting to {@code dst}'s dtype (rounded to nearest into float32, as a {@code (float)}
     * cast). Serves both double {@code copyFromHost} overloads; the range is in bounds.
     *
     * @param src the host values, non-null
     * @param srcOffset the index of the first value, with room for {@code dst.size()} values
     * @param dst the tensor to overwrite
     */
    protected abstract void copyFromHostKernel(double[] src, int srcOffset, Tensor dst);

    /**
     * Copies all of {@code src} row-major into {@code dst} from {@code dstOffset}, float64 values
     * rounded to nearest. Serves {@code copyToHost} and {@link #toHostFloats}; the range is in
     * bounds. Must not write outside {@code dst[dstOffset, dstOffset + src.size())}.
     *
     * @param src the tensor to read, of either dtype
     * @param dst the host array, non-null
     * @param dstOffset the index of the first value, with room for {@code src.size()} values
     */
    protected abstract void copyToHostKernel(Tensor src, float[] dst, int dstOffset);

    /**
     * Copies all of {@code src} row-major into {@code dst} from {@code dstOffset}, float32 values
     * widened exactly. Serves {@code copyToHost} and {@link #toHostDoubles}; the range is in
     * bounds. Must not write outside {@code dst[dstOffset, dstOffset + src.size())}.
     *
     * @param src the tensor to read, of either dtype
     * @param dst the host array, non-null
     * @param dstOffset the index of the first value, with room for {@code src.size()} values
     */
    protected abstract void copyToHostKernel(Tensor src, double[] dst, int dstOffset);

    /**
     * C = alpha * op(A) * op(B) + beta * C, for {@link #gemm}. Already checked: op(A) is [M, K],
     * op(B) is [K, N], C is [M, N], all of M, N, K at least 1. {@code c} is neither {@code a} nor
     * {@code b}, but {@code a} and {@code b} may be the same tensor. With {@code beta == 0} the
     * kernel must not read C at all (NaN or infinity there must not reach the result).
     *
     * @param transA whether op(A) is the transpose of {@code a}
     * @param transB whether op(B) is the transpose of {@code b}
     * @param alpha the factor of the product
     * @param a the left operand
     * @param b the right operand
     * @param beta the factor of C's old contents
     * @param c the output
     */
    protected abstract void gemmKernel(boolean transA, boolean transB, double alpha, Tensor a, Tensor b,
                                       double beta, Tensor c);

    /**
     * out = x + row broadcast over the rows, for {@link #addRowVector} and the default
     * {@link #denseForwardKernel}. Already checked: {@code x} and {@code out} are [m, n],
     * {@code row} is [1, n]. {@code out} may be {@code x} (the default dense forward calls it in
     * place); {@code row} is never {@code out}, though it may be {@code x} when m = 1.
     *
     * @param x the matrix
     * @param row the row vector
     * @param out the output
     */
    protected abstract void addRowVectorKernel(Tensor x, Tensor row, Tensor out);

    /**
     * out = sigmoid(x), elementwise, for {@link #sigmoid}. Same shapes; {@code out} may be
     * {@code x}. Accuracy against float64 1/(1 + exp(-x)): 1e-14 relative in float64, 1e-6 in
     * float32 (docs/design.md, Tolerances); large |x| must saturate to 0 or 1, never NaN.
     *
     * @param x the input
     * @param out the output
     */
    protected abstract void sigmoidKernel(Tensor x, Tensor out);

    /**
     * out = g * a * (1 - a), elementwise, for {@link #sigmoidBackward} and the default
     * {@link #denseBackwardKernel}. Same shapes; any two of the three may be the same tensor
     * ({@code out} is {@code g} in the default dense backward step).
     *
     * @param g the gradient with respect to the sigmoid's output
     * @param a the sigmoid's output
     * @param out the output
     */
    protected abstract void sigmoidBackwardKernel(Tensor g, Tensor a, Tensor out);

    /**
     * out = the column sums of x, for {@link #columnSums}. Already checked: {@code x} is [m, n],
     * {@code out} is [1, n] and is not {@code x}. Overwrites {@code out} (does not accumulate). The
     * order of summation must depend on the shape only, so that runs repeat bit for bit.
     *
     * @param x the matrix
     * @param out the output row
     */
    protected abstract void columnSumsKernel(Tensor x, Tensor out);

    /**
     * y = y + alpha * x, elementwise, for {@link #axpy} and the default {@link #sgdUpdateKernel}.
     * Same shapes; {@code x} may be {@code y}.
     *
     * @param alpha the factor of {@code x}
     * @param x the tensor to add
     * @param y the tensor updated in place
     */
    protected abstract void axpyKernel(double alpha, Tensor x, Tensor y);

    /**
     * x = alpha * x, in place, for {@link #scale} and the default {@link #sgdUpdateKernel}.
     *
     * @param alpha the factor
     * @param x the tensor to scale
     */
    protected abstract void scaleKernel(double alpha, Tensor x);

    /**
     * The mean loss over the rows, for {@link #loss} and the default
     * {@link #lossAndGradientKernel}; the formulas are in {@link Loss}. Already checked:
     * {@code loss} is non-null, {@code a} and {@code y} have one shape, and where
     * {@code loss.needsLogits()} {@code z} is a live tensor of that shape. Otherwise {@code z} is
     * unchecked (possibly null, possibly anything) and must not be touched. Inputs may alias one
     * another. Evaluate {@link Loss#BCE} from the logits (softplus(z) - y z) so that saturated
     * outputs give finite losses.
     *
     * @param loss the loss function
     * @param z the logits where needed, else to be ignored
     * @param a the outputs, [B, outputs]
     * @param y the targets
     * @return the mean over the B rows of the summed per-row loss
     */
    protected abstract double lossKernel(Loss loss, Tensor z, Tensor a, Tensor y);

    /**
     * dz = dLoss/dz, for {@link #lossGradient} and the default {@link #lossAndGradientKernel}:
     * (a - y) a (1 - a) / B for {@link Loss#MSE}, (a - y) / B for {@link Loss#BCE}, B =
     * {@code a.rows()}. Same shapes; {@code dz} may be {@code a} (read each element of {@code a}
     * before writing it), never {@code y}.
     *
     * @param loss the loss function, non-null
     * @param a the outputs
     * @param y the targets
     * @param dz the output
     */
    protected abstract void lossGradientKernel(Loss loss, Tensor a, Tensor y, Tensor dz);

    /**
     * Writes the index of each row's largest value (the first on ties) into {@code out[0, rows)},
     * for {@link #rowArgmax}. {@code out} is non-null and at least {@code x.rows()} long; the
     * kernel must not write past {@code x.rows()}.
     *
     * @param x the matrix
     * @param out the indices
     */
    protected abstract void rowArgmaxKernel(Tensor x, int[] out);

    /**
     * Z = X W^T + b and A = sigmoid(Z), for {@link #denseForward}. Already checked: x [B, in],
     * w [out, in], b [1, out], a [B, out], z null or [B, out]; {@code z} is not {@code a}, and
     * neither output is {@code x}, {@code w} or {@code b}. When {@code z} is null, {@code a} may
     * be used as scratch for Z. The default runs {@link #gemmKernel}, {@link #addRowVectorKernel}
     * and {@link #sigmoidKernel}; a backend overrides it to fuse the bias and the sigmoid into the
     * product.
     *
     * @param x the input, [B, in]
     * @param w the weights, [out, in]
     * @param b the bias, [1, out]
     * @param z receives the pre-activation, or null
     * @param a receives the activations
     */
    protected void denseForwardKernel(Tensor x, Tensor w, Tensor b, Tensor z, Tensor a) {
        Tensor pre = z != null ? z : a;
        gemmKernel(false, true, 1.0, x, w, 0.0, pre);
        addRowVectorKernel(pre, b, pre);
        sigmoidKernel(pre, a);
    }

    /**
     * dzPrev = (dz W) * aPrev * (1 - aPrev), for {@link #denseBackward}. Already checked: dz [B,
     * out], w [out, in], aPrev and dzPrev [B, in]; {@code dzPrev} is not {@code dz} or {@code w}.
     * {@code dzPrev} being {@code aPrev} is not refused, and the default (which writes the product
     * into {@code dzPrev} before reading {@code aPrev}) then computes garbage; callers never do it.
     * The default runs {@link #gemmKernel} and then {@link #sigmoidBackwardKernel} in place; a
     * backend overrides it to apply the derivative in the product's epilogue.
     *
     * @param dz this layer's gradient
     * @param w this layer's weights
     * @param aPrev the previous layer's activations
     * @param dzPrev receives the previous layer's gradient
     */
    protected void denseBackwardKernel(Tensor dz, Tensor w, Tensor aPrev, Tensor dzPrev) {
        gemmKernel(false, false, 1.0, dz, w, 0.0, dzPrev);
        sigmoidBackwardKernel(dzPrev, aPrev, dzPrev);
    }

    /**
     * The loss and its gradient, for {@link #lossAndGradient}. Checked as for {@link #lossKernel}
     * and {@link #lossGradientKernel}; {@code dz} may be {@code a}, never {@code y} or {@code z}.
     * The loss must be that of {@code a} before {@code dz} is written. The default calls
     * {@link #lossKernel}, then {@link #lossGradientKernel}; a backend overrides it to do both in
     * one pass.
     *
     * @param loss the loss function
     * @param z the logits where needed, else to be ignored
     * @param a the outputs
     * @param y the targets
     * @param dz receives dLoss/dz
     * @return the mean loss over the rows
     */
    protected double lossAndGradientKernel(Loss loss, Tensor z, Tensor a, Tensor y, Tensor dz) {
        double value = lossKernel(loss, z, a, y);
        lossGradientKernel(loss, a, y, dz);
        return value;
    }

    /**
     * One SGD step, for {@link #sgdUpdate}. Already checked: {@code momentum} is in [0, 1); the
     * three tensors are distinct and of one shape; {@code velocity} is null exactly when
     * {@code momentum} is 0. {@code lr} is unchecked. The default runs {@link #axpyKernel} (and
     * {@link #scaleKernel} with momentum); a backend overrides it to make one pass.
     *
     * @param param the parameter, updated in place
     * @param grad the gradient
     * @param velocity the momentum buffer, updated in place; null without momentum
     * @param lr the learning rate
     * @param momentum the momentum
     */
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

    /**
     * Checks that {@code t} is a live tensor of this backend, with the messages the public
     * operations use; for a backend that adds operations of its own.
     *
     * @param op the operation's name, first in the message
     * @param name the argument's name in the message
     * @param t the tensor to check
     * @throws NullPointerException if {@code t} is null
     * @throws IllegalArgumentException if {@code t} belongs to another backend or instance
     * @throws IllegalStateException if this backend or {@code t} is closed
     */
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
        if (evaluatesLoss && loss.needsLogits() && z == null) {
            throw new IllegalArgumentException(op + ": loss " + loss + " needs the logits z");
        }
        if (evaluatesLoss && z != null) {
            // Checked even where the loss ignores it, so a wrong z fails here rather than later.
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
