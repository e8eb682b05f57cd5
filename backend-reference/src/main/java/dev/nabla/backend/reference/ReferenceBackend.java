package dev.nabla.backend.reference;

import dev.nabla.spi.HeapTensor;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

import java.util.EnumSet;
import java.util.Set;

/**
 * Plain scalar loops written for obviousness: the oracle every other backend is checked against.
 *
 * <p>Every value is computed in float64 and stored in the tensor's dtype: a float32 result is the
 * float64 result rounded once (sums accumulate in double, in a fixed order, so runs repeat bit for
 * bit). This makes the float32 reference at least as accurate as any float32 kernel, which is what
 * an oracle needs. Single-threaded; supports float32 and float64; tensors are
 * {@link dev.nabla.spi.HeapTensor}s, so closing the backend frees nothing but marks it closed.
 * Usually created through {@code Backends.create("reference")}.
 */
public final class ReferenceBackend extends Backend {
    private static final Set<DType> DTYPES = EnumSet.allOf(DType.class);

    /** A new reference backend; it holds no threads or native memory. */
    public ReferenceBackend() {
        super(ReferenceProvider.ID);
    }

    @Override
    public Set<DType> dtypes() {
        return DTYPES;
    }

    @Override
    public String description() {
        return "reference (scalar Java, 1 thread)";
    }

    @Override
    protected Tensor allocate(DType dtype, int rows, int cols) {
        return new HeapTensor(this, dtype, rows, cols);
    }

    private static HeapTensor t(Tensor t) {
        return (HeapTensor) t;
    }

    @Override
    protected void copyFromHostKernel(float[] src, int srcOffset, Tensor dst) {
        HeapTensor out = t(dst);
        for (int i = 0; i < out.size(); i++) {
            out.set(i, src[srcOffset + i]);
        }
    }

    @Override
    protected void copyFromHostKernel(double[] src, int srcOffset, Tensor dst) {
        HeapTensor out = t(dst);
        for (int i = 0; i < out.size(); i++) {
            out.set(i, src[srcOffset + i]);
        }
    }

    @Override
    protected void copyToHostKernel(Tensor src, float[] dst, int dstOffset) {
        HeapTensor in = t(src);
        for (int i = 0; i < in.size(); i++) {
            dst[dstOffset + i] = (float) in.get(i);
        }
    }

    @Override
    protected void copyToHostKernel(Tensor src, double[] dst, int dstOffset) {
        HeapTensor in = t(src);
        for (int i = 0; i < in.size(); i++) {
            dst[dstOffset + i] = in.get(i);
        }
    }

    @Override
    protected void gemmKernel(boolean transA, boolean transB, double alpha, Tensor a, Tensor b,
                              double beta, Tensor c) {
        HeapTensor x = t(a);
        HeapTensor y = t(b);
        HeapTensor out = t(c);
        int m = c.rows();
        int n = c.cols();
        int k = transA ? a.rows() : a.cols();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? x.get(p * a.cols() + i) : x.get(i * a.cols() + p);
                    double bpj = transB ? y.get(j * b.cols() + p) : y.get(p * b.cols() + j);
                    sum += aip * bpj;
                }
                int idx = i * n + j;
                // beta = 0 ignores C entirely (BLAS semantics), so stale NaNs never leak in.
                out.set(idx, beta == 0 ? alpha * sum : alpha * sum + beta * out.get(idx));
            }
        }
    }

    @Override
    protected void addRowVectorKernel(Tensor x, Tensor row, Tensor out) {
        HeapTensor in = t(x);
        HeapTensor r = t(row);
        HeapTensor o = t(out);
        int n = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < n; j++) {
                o.set(i * n + j, in.get(i * n + j) + r.get(j));
            }
        }
    }

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }

    @Override
    protected void sigmoidKernel(Tensor x, Tensor out) {
        HeapTensor in = t(x);
        HeapTensor o = t(out);
        for (int i = 0; i < in.size(); i++) {
            o.set(i, sigmoid(in.get(i)));
        }
    }

    @Override
    protected void sigmoidBackwardKernel(Tensor g, Tensor a, Tensor out) {
        HeapTensor grad = t(g);
        HeapTensor act = t(a);
        HeapTensor o = t(out);
        for (int i = 0; i < o.size(); i++) {
            double ai = act.get(i);
            o.set(i, grad.get(i) * (ai * (1 - ai)));
        }
    }

    @Override
    protected void columnSumsKernel(Tensor x, Tensor out) {
        HeapTensor in = t(x);
        HeapTensor o = t(out);
        int n = x.cols();
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int i = 0; i < x.rows(); i++) {
                sum += in.get(i * n + j);
            }
            o.set(j, sum);
        }
    }

    @Override
    protected void axpyKernel(double alpha, Tensor x, Tensor y) {
        HeapTensor in = t(x);
        HeapTensor o = t(y);
        for (int i = 0; i < o.size(); i++) {
            o.set(i, o.get(i) + alpha * in.get(i));
        }
    }

    @Override
    protected void scaleKernel(double alpha, Tensor x) {
        HeapTensor o = t(x);
        for (int i = 0; i < o.size(); i++) {
            o.set(i, alpha * o.get(i));
        }
    }

    @Override
    protected double lossKernel(Loss loss, Tensor z, Tensor a, Tensor y) {
        HeapTensor act = t(a);
        HeapTensor target = t(y);
        double sum = 0;
        if (loss == Loss.MSE) {
            for (int i = 0; i < act.size(); i++) {
                double e = act.get(i) - target.get(i);
                sum += e * e;
            }
            return sum / (2.0 * a.rows());
        }
        HeapTensor logits = t(z);
        for (int i = 0; i < act.size(); i++) {
            double zi = logits.get(i);
            // -[y log a + (1-y) log(1-a)] with a = sigmoid(z) equals softplus(z) - y z.
            double softplus = Math.max(zi, 0) + Math.log1p(Math.exp(-Math.abs(zi)));
            sum += softplus - target.get(i) * zi;
        }
        return sum / a.rows();
    }

    @Override
    protected void lossGradientKernel(Loss loss, Tensor a, Tensor y, Tensor dz) {
        HeapTensor act = t(a);
        HeapTensor target = t(y);
        HeapTensor out = t(dz);
        double batch = a.rows();
        for (int i = 0; i < act.size(); i++) {
            double ai = act.get(i);
            double error = ai - target.get(i);
            out.set(i, loss == Loss.MSE ? error * (ai * (1 - ai)) / batch : error / batch);
        }
    }

    @Override
    protected void rowArgmaxKernel(Tensor x, int[] out) {
        HeapTensor in = t(x);
        int n = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (in.get(i * n + j) > in.get(i * n + best)) {
                    best = j;
                }
            }
            out[i] = best;
        }
    }
}
