package dev.nabla.backend.nd4j;

import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.api.ops.impl.transforms.same.TimesOneMinus;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log1p;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Nabla's tensor API on ND4J. Every operation writes into the caller's output array: GEMM, bias
 * broadcasts, column sums and the level-1 steps through an {@link Algebra} (CBLAS on the host
 * memory for nd4j-native), the element-wise steps through ND4J's in-place legacy transforms, the
 * sigmoid derivative taken from the saved activations (a * (1 - a), never recomputed from z). A few
 * operations need a temporary of an output's shape; those are allocated once per shape and reused,
 * so a warmed-up training step on nd4j-native creates no ND4J buffer (Nd4jAllocationTest).
 *
 * <p>Closing the backend closes every tensor it created that is still open, freeing their
 * off-heap memory immediately.
 */
public final class Nd4jBackend extends Backend {
    private static final Set<DType> DTYPES = EnumSet.allOf(DType.class);

    private final String description;
    /** Live tensors, so close() can free them; weak, so forgotten tensors can still be collected. */
    private final Set<Nd4jTensor> live = Collections.newSetFromMap(new WeakHashMap<>());
    private final Map<String, INDArray> scratch = new HashMap<>();
    private final Map<String, Nd4jTensor> scratchTensors = new HashMap<>();
    private final Algebra algebra;
    private double[] hostScratch = new double[0];

    Nd4jBackend(String id, String description, Algebra algebra) {
        super(id);
        this.description = description;
        this.algebra = algebra;
    }

    @Override
    public Set<DType> dtypes() {
        return DTYPES;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    protected void release() {
        for (Nd4jTensor t : live.toArray(new Nd4jTensor[0])) {
            t.close();
        }
        live.clear();
        for (INDArray a : scratch.values()) {
            if (a.closeable()) {
                a.close();
            }
        }
        scratch.clear();
        scratchTensors.clear();
        algebra.close();
    }

    void forget(Nd4jTensor t) {
        live.remove(t);
    }

    @Override
    protected Tensor allocate(DType dtype, int rows, int cols) {
        INDArray array;
        try {
            array = Nd4j.create(dataType(dtype), new long[] {rows, cols}, 'c');
        } catch (OutOfMemoryError e) {
            throw OffHeapMemory.exhausted(dtype, rows, cols, e);
        } catch (RuntimeException e) {
            if (OffHeapMemory.isAllocationFailure(e)) {
                throw OffHeapMemory.exhausted(dtype, rows, cols, e);
            }
            throw e;
        }
        Nd4jTensor t = new Nd4jTensor(this, dtype, rows, cols, array);
        live.add(t);
        return t;
    }

    private static DataType dataType(DType dtype) {
        return dtype == DType.FLOAT32 ? DataType.FLOAT : DataType.DOUBLE;
    }

    private static Nd4jTensor t(Tensor t) {
        return (Nd4jTensor) t;
    }

    private static INDArray a(Tensor t) {
        return ((Nd4jTensor) t).array;
    }

    /** {@link #scratchLike} wrapped as a tensor of this backend (not tracked: the backend frees it). */
    private Nd4jTensor scratchTensor(Tensor like) {
        String key = "tensor:" + like.dtype() + ":" + like.rows() + "x" + like.cols();
        Nd4jTensor t = scratchTensors.get(key);
        if (t == null) {
            t = new Nd4jTensor(this, like.dtype(), like.rows(), like.cols(), scratchLike(like));
            scratchTensors.put(key, t);
        }
        return t;
    }

    /** A reusable temporary with the shape and dtype of {@code like}. */
    private INDArray scratchLike(Tensor like) {
        String key = like.dtype() + ":" + like.rows() + "x" + like.cols();
        INDArray s = scratch.get(key);
        if (s == null) {
            s = Nd4j.create(dataType(like.dtype()), new long[] {like.rows(), like.cols()}, 'c');
            scratch.put(key, s);
        }
        return s;
    }

    // ------------------------------------------------------------------ host copies

    @Override
    protected void copyFromHostKernel(float[] src, int srcOffset, Tensor dst) {
        Nd4jTensor out = t(dst);
        if (out.floats != null) {
            out.floats.put(src, srcOffset, out.size());
        } else {
            for (int i = 0; i < out.size(); i++) {
                out.doubles.put(i, src[srcOffset + i]);
            }
        }
    }

    @Override
    protected void copyFromHostKernel(double[] src, int srcOffset, Tensor dst) {
        Nd4jTensor out = t(dst);
        if (out.doubles != null) {
            out.doubles.put(src, srcOffset, out.size());
        } else {
            for (int i = 0; i < out.size(); i++) {
                out.floats.put(i, (float) src[srcOffset + i]);
            }
        }
    }

    @Override
    protected void copyToHostKernel(Tensor src, float[] dst, int dstOffset) {
        Nd4jTensor in = t(src);
        if (in.floats != null) {
            in.floats.get(dst, dstOffset, in.size());
        } else {
            for (int i = 0; i < in.size(); i++) {
                dst[dstOffset + i] = (float) in.doubles.get(i);
            }
        }
    }

    @Override
    protected void copyToHostKernel(Tensor src, double[] dst, int dstOffset) {
        Nd4jTensor in = t(src);
        if (in.doubles != null) {
            in.doubles.get(dst, dstOffset, in.size());
        } else {
            for (int i = 0; i < in.size(); i++) {
                dst[dstOffset + i] = in.floats.get(i);
            }
        }
    }

    // ------------------------------------------------------------------ primitives

    @Override
    protected void gemmKernel(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        algebra.gemm(transA, transB, alpha, t(a), t(b), beta, t(c));
    }

    @Override
    protected void addRowVectorKernel(Tensor x, Tensor row, Tensor out) {
        algebra.addRowVector(t(x), t(row), t(out));
    }

    @Override
    protected void sigmoidKernel(Tensor x, Tensor out) {
        Nd4j.getExecutioner().exec(new Sigmoid(a(x), a(out)));
    }

    @Override
    protected void sigmoidBackwardKernel(Tensor g, Tensor a, Tensor out) {
        // out = g * a (1 - a): the derivative from the saved activation, in a temporary when out
        // aliases g (TimesOneMinus writes out before g is read).
        INDArray derivative = out == g ? scratchLike(out) : a(out);
        Nd4j.getExecutioner().exec(new TimesOneMinus(a(a), derivative));
        Nd4j.getExecutioner().exec(new PairwiseMultiply(derivative, a(g), a(out)));
    }

    @Override
    protected void columnSumsKernel(Tensor x, Tensor out) {
        algebra.columnSums(t(x), t(out));
    }

    @Override
    protected void axpyKernel(double alpha, Tensor x, Tensor y) {
        algebra.axpy(alpha, t(x), t(y));
    }

    @Override
    protected void scaleKernel(double alpha, Tensor x) {
        algebra.scale(alpha, t(x));
    }

    @Override
    protected double lossKernel(Loss loss, Tensor z, Tensor a, Tensor y) {
        if (loss == Loss.MSE) {
            // |a - y|^2 through BLAS (INDArray.squaredDistance leaked native memory in the soak test).
            Nd4jTensor diff = scratchTensor(a);
            difference(a, y, diff);
            double d = algebra.dot(diff, diff);
            return d / (2.0 * a.rows());
        }
        // softplus(z) - y z, summed, as log1p(exp(-|z|)) + (z + |z|) / 2 - y z: no exp of a large z.
        Nd4jTensor logits = t(z);
        Nd4jTensor tmp = scratchTensor(z);
        Nd4j.getExecutioner().exec(new Abs(logits.array, tmp.array));
        double sumAbs = algebra.sum(tmp);
        algebra.scale(-1, tmp);
        Nd4j.getExecutioner().exec(new Exp(tmp.array, tmp.array));
        Nd4j.getExecutioner().exec(new Log1p(tmp.array, tmp.array));
        double sumLog1p = algebra.sum(tmp);
        double sumZ = algebra.sum(logits);
        double dotYZ = algebra.dot(t(y), logits);
        return (sumLog1p + 0.5 * (sumZ + sumAbs) - dotYZ) / a.rows();
    }

    @Override
    protected void lossGradientKernel(Loss loss, Tensor a, Tensor y, Tensor dz) {
        double invBatch = 1.0 / a.rows();
        if (loss == Loss.MSE) {
            // dz = (a - y) * a (1 - a) / B; the derivative goes to a temporary when dz aliases a.
            INDArray derivative = scratchLike(a);
            Nd4j.getExecutioner().exec(new TimesOneMinus(a(a), derivative));
            difference(a, y, dz);
            Nd4j.getExecutioner().exec(new PairwiseMultiply(a(dz), derivative, a(dz)));
        } else {
            difference(a, y, dz);
        }
        algebra.scale(invBatch, t(dz));
    }

    /**
     * out = a - y through BLAS copy and axpy: ND4J wraps subtraction only as a custom op, whose
     * native op context leaks a few hundred bytes per call in libnd4j 1.0.0-M2.1.
     */
    private void difference(Tensor a, Tensor y, Tensor out) {
        if (out != a) {
            algebra.copy(t(a), t(out));
        }
        algebra.axpy(-1.0, t(y), t(out));
    }

    @Override
    protected void rowArgmaxKernel(Tensor x, int[] out) {
        // The result is wanted on the host anyway: copy once and scan there.
        if (hostScratch.length < x.size()) {
            hostScratch = new double[x.size()];
        }
        copyToHostKernel(x, hostScratch, 0);
        int n = x.cols();
        for (int r = 0; r < x.rows(); r++) {
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (hostScratch[r * n + j] > hostScratch[r * n + best]) {
                    best = j;
                }
            }
            out[r] = best;
        }
    }

    // ------------------------------------------------------------------ composites

    @Override
    protected void denseBackwardKernel(Tensor dz, Tensor w, Tensor aPrev, Tensor dzPrev) {
        gemmKernel(false, false, 1.0, dz, w, 0.0, dzPrev);
        INDArray derivative = scratchLike(aPrev);
        Nd4j.getExecutioner().exec(new TimesOneMinus(a(aPrev), derivative));
        Nd4j.getExecutioner().exec(new PairwiseMultiply(a(dzPrev), derivative, a(dzPrev)));
    }
}
