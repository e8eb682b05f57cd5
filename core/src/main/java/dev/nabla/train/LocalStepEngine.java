package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Network;
import dev.nabla.nn.Sgd;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;

/**
 * The default {@link StepEngine}: each batch is gathered on the host into staging arrays, copied
 * into reused tensors, and stepped on the network's backend. Its loss is checked before the update,
 * so a diverging batch leaves the parameters as they were.
 */
final class LocalStepEngine implements StepEngine {
    private final Network net;
    private final Sgd sgd;
    private final Dataset data;
    private BatchBuffers full;
    private BatchBuffers tail;

    LocalStepEngine(Network net, Sgd sgd, Dataset data, TrainingSettings settings) {
        this.net = net;
        this.sgd = sgd;
        this.data = data;
    }

    @Override
    public EpochSteps runEpoch(int epoch, int[] order, int batchSize, EpochControl control) {
        int rows = order.length;
        int batches = (rows + batchSize - 1) / batchSize;
        double lossSum = 0;
        int done = 0;
        for (int b = 0; b < batches && !control.stopRequested(); b++) {
            int from = b * batchSize;
            BatchBuffers buffers = buffers(Math.min(batchSize, rows - from));
            buffers.load(order, from);
            double loss = net.computeGradients(buffers.x, buffers.y);
            control.batchLoss(b, loss);
            sgd.step(net);
            lossSum += loss;
            done++;
            control.batchDone(b);
        }
        return new EpochSteps(done, lossSum);
    }

    private BatchBuffers buffers(int rows) {
        if (full == null || full.rows == rows) {
            if (full == null) {
                full = new BatchBuffers(rows);
            }
            return full;
        }
        if (tail == null || tail.rows != rows) {
            if (tail != null) {
                tail.close();
            }
            tail = new BatchBuffers(rows);
        }
        return tail;
    }

    @Override
    public void close() {
        if (full != null) {
            full.close();
        }
        if (tail != null) {
            tail.close();
        }
    }

    /** Host staging arrays (in the data's precision) and backend tensors for batches of one size. */
    private final class BatchBuffers implements AutoCloseable {
        final int rows;
        final Backend backend = net.backend();
        final float[] fx;
        final float[] fy;
        final double[] dx;
        final double[] dy;
        final Tensor x;
        final Tensor y;

        BatchBuffers(int rows) {
            this.rows = rows;
            boolean wide = data.dtype() == DType.FLOAT64;
            fx = wide ? null : new float[rows * net.inputs()];
            fy = wide ? null : new float[rows * net.outputs()];
            dx = wide ? new double[rows * net.inputs()] : null;
            dy = wide ? new double[rows * net.outputs()] : null;
            x = backend.zeros(net.dtype(), rows, net.inputs());
            y = backend.zeros(net.dtype(), rows, net.outputs());
        }

        void load(int[] order, int from) {
            if (fx != null) {
                data.gather(order, from, rows, fx, fy);
                backend.copyFromHost(fx, x);
                backend.copyFromHost(fy, y);
            } else {
                data.gather(order, from, rows, dx, dy);
                backend.copyFromHost(dx, x);
                backend.copyFromHost(dy, y);
            }
        }

        @Override
        public void close() {
            x.close();
            y.close();
        }
    }
}
