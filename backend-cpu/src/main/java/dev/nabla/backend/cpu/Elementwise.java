package dev.nabla.backend.cpu;

import dev.nabla.spi.HeapTensor;
import dev.nabla.tensor.Loss;

/**
 * Runs the element-wise kernels of {@link FloatKernels} / {@link DoubleKernels} on heap tensors:
 * inline on the calling thread for small tensors, split into contiguous ranges across the worker
 * pool for large ones. One reusable job object carries the operands, so nothing is allocated once
 * warmed up.
 *
 * <p>The split never changes a result: element-wise kernels compute every element the same way
 * wherever their range starts, and the loss sums are computed per fixed chunk of the array
 * ({@link FloatKernels#CHUNK}), whose sums are then added in chunk order on the calling thread.
 */
final class Elementwise {
    private enum Op { ADD_ROW, SIGMOID, SIGMOID_BACKWARD, COLUMN_SUMS, AXPY, SCALE, SGD, MSE, BCE, MSE_GRAD, BCE_GRAD }

    private final WorkerPool pool;
    private final Job job;

    Elementwise(WorkerPool pool) {
        this.pool = pool;
        this.job = new Job();
    }

    void addRowVector(HeapTensor x, HeapTensor row, HeapTensor out) {
        run(Op.ADD_ROW, x.rows(), x, row, out, 0, 0);
    }

    void sigmoid(HeapTensor x, HeapTensor out) {
        run(Op.SIGMOID, x.size(), x, null, out, 0, 0);
    }

    void sigmoidBackward(HeapTensor g, HeapTensor a, HeapTensor out) {
        run(Op.SIGMOID_BACKWARD, g.size(), g, a, out, 0, 0);
    }

    void columnSums(HeapTensor x, HeapTensor out) {
        run(Op.COLUMN_SUMS, x.cols(), x, null, out, 0, 0);
    }

    void axpy(double alpha, HeapTensor x, HeapTensor y) {
        run(Op.AXPY, x.size(), x, null, y, alpha, 0);
    }

    void scale(double alpha, HeapTensor x) {
        run(Op.SCALE, x.size(), null, null, x, alpha, 0);
    }

    void sgdUpdate(HeapTensor param, HeapTensor grad, HeapTensor velocity, double lr, double momentum) {
        run(Op.SGD, param.size(), grad, velocity, param, lr, momentum);
    }

    double loss(Loss loss, HeapTensor z, HeapTensor a, HeapTensor y) {
        int chunks = FloatKernels.chunks(a.size());
        if (job.chunkSums.length < chunks) {
            job.chunkSums = new double[chunks];
        }
        double sum = loss == Loss.MSE ? run(Op.MSE, chunks, a, y, null, 0, 0)
                : run(Op.BCE, chunks, z, y, null, 0, 0);
        return loss == Loss.MSE ? sum / (2.0 * a.rows()) : sum / a.rows();
    }

    void lossGradient(Loss loss, HeapTensor a, HeapTensor y, HeapTensor dz) {
        run(loss == Loss.MSE ? Op.MSE_GRAD : Op.BCE_GRAD, a.size(), a, y, dz, 1.0 / a.rows(), 0);
    }

    /**
     * Runs op over [0, count) (elements, rows, columns or chunks, per op) and returns, for the
     * reductions, the sum of the chunks' sums in chunk order (0 for the others).
     */
    private double run(Op op, int count, HeapTensor x, HeapTensor y, HeapTensor out,
                       double s1, double s2) {
        job.set(op, x, y, out, s1, s2, count);
        try {
            long elements = (x != null ? x : out).size();
            int parts = elements < CpuBackend.PARALLEL_ELEMENTS ? 1 : Math.min(pool.threads(), count);
            pool.run(parts, job);
            if (op != Op.MSE && op != Op.BCE) {
                return 0;
            }
            double total = 0;
            for (int c = 0; c < count; c++) {
                total += job.chunkSums[c];
            }
            return total;
        } finally {
            job.clear();
        }
    }

    /** The operands of one element-wise call; part p handles a contiguous slice of [0, count). */
    private final class Job implements WorkerPool.Job {
        Op op;
        HeapTensor x;
        HeapTensor y;
        HeapTensor out;
        double s1;
        double s2;
        int count;
        /** The reductions' sum of each chunk of the array. */
        double[] chunkSums = new double[1];

        void set(Op op, HeapTensor x, HeapTensor y, HeapTensor out, double s1, double s2, int count) {
            this.op = op;
            this.x = x;
            this.y = y;
            this.out = out;
            this.s1 = s1;
            this.s2 = s2;
            this.count = count;
        }

        void clear() {
            x = null;
            y = null;
            out = null;
        }

        @Override
        public void run(int part, int parts) {
            int from = (int) ((long) count * part / parts);
            int to = (int) ((long) count * (part + 1) / parts);
            if ((x != null ? x : out).f != null) {
                runFloat(from, to);
            } else {
                runDouble(from, to);
            }
        }

        private void runFloat(int from, int to) {
            switch (op) {
                case ADD_ROW:
                    FloatKernels.addRowVector(x.f, y.f, out.f, x.cols(), from, to);
                    return;
                case SIGMOID:
                    FloatKernels.sigmoid(x.f, out.f, from, to);
                    return;
                case SIGMOID_BACKWARD:
                    FloatKernels.sigmoidBackward(x.f, y.f, out.f, from, to);
                    return;
                case COLUMN_SUMS:
                    FloatKernels.columnSums(x.f, x.rows(), x.cols(), out.f, from, to);
                    return;
                case AXPY:
                    FloatKernels.axpy((float) s1, x.f, out.f, from, to);
                    return;
                case SCALE:
                    FloatKernels.scale((float) s1, out.f, from, to);
                    return;
                case SGD:
                    FloatKernels.sgdUpdate(out.f, x.f, y == null ? null : y.f, (float) s1, (float) s2, from, to);
                    return;
                case MSE:
                    FloatKernels.sumSquaredError(x.f, y.f, x.size(), chunkSums, from, to);
                    return;
                case BCE:
                    FloatKernels.sumCrossEntropy(x.f, y.f, x.size(), chunkSums, from, to);
                    return;
                case MSE_GRAD:
                    FloatKernels.mseGradient(x.f, y.f, out.f, (float) s1, from, to);
                    return;
                case BCE_GRAD:
                    FloatKernels.bceGradient(x.f, y.f, out.f, (float) s1, from, to);
                    return;
                default:
                    throw new AssertionError(op);
            }
        }

        private void runDouble(int from, int to) {
            switch (op) {
                case ADD_ROW:
                    DoubleKernels.addRowVector(x.d, y.d, out.d, x.cols(), from, to);
                    return;
                case SIGMOID:
                    DoubleKernels.sigmoid(x.d, out.d, from, to);
                    return;
                case SIGMOID_BACKWARD:
                    DoubleKernels.sigmoidBackward(x.d, y.d, out.d, from, to);
                    return;
                case COLUMN_SUMS:
                    DoubleKernels.columnSums(x.d, x.rows(), x.cols(), out.d, from, to);
                    return;
                case AXPY:
                    DoubleKernels.axpy(s1, x.d, out.d, from, to);
                    return;
                case SCALE:
                    DoubleKernels.scale(s1, out.d, from, to);
                    return;
                case SGD:
                    DoubleKernels.sgdUpdate(out.d, x.d, y == null ? null : y.d, s1, s2, from, to);
                    return;
                case MSE:
                    DoubleKernels.sumSquaredError(x.d, y.d, x.size(), chunkSums, from, to);
                    return;
                case BCE:
                    DoubleKernels.sumCrossEntropy(x.d, y.d, x.size(), chunkSums, from, to);
                    return;
                case MSE_GRAD:
                    DoubleKernels.mseGradient(x.d, y.d, out.d, s1, from, to);
                    return;
                case BCE_GRAD:
                    DoubleKernels.bceGradient(x.d, y.d, out.d, s1, from, to);
                    return;
                default:
                    throw new AssertionError(op);
            }
        }
    }
}
