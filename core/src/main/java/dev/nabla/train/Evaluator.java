package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

/**
 * Runs a network forward over a whole data set in mini-batches (in row order, no updates): the
 * mean loss and, where the targets are one-hot, the accuracy of the argmax. Allocates two
 * tensors per call on the network's backend (closed before returning); the data set is copied
 * in batch by batch, rounded to the network's dtype.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * The network's own loss on {@code data}; accuracy when {@code data.isOneHot()}.
     *
     * @param net the network
     * @param data the examples, with the network's input and output widths
     * @param batchSize rows per forward pass, at least 1
     * @return the mean loss and the accuracy
     * @throws IllegalArgumentException if the widths differ or {@code batchSize} is not positive
     */
    public static Evaluation evaluate(Network net, Dataset data, int batchSize) {
        return evaluate(net, data, net.loss(), batchSize, data.isOneHot());
    }

    /**
     * The mean of {@code loss} (which may differ from the network's) on {@code data}; accuracy
     * when {@code data.isOneHot()}.
     *
     * @param net the network
     * @param data the examples, with the network's input and output widths
     * @param loss the loss to measure
     * @param batchSize rows per forward pass, at least 1
     * @return the mean loss and the accuracy
     * @throws IllegalArgumentException if the widths differ or {@code batchSize} is not positive
     */
    public static Evaluation evaluate(Network net, Dataset data, Loss loss, int batchSize) {
        return evaluate(net, data, loss, batchSize, data.isOneHot());
    }

    /**
     * As {@link #evaluate(Network, Dataset, Loss, int)}, told whether the targets are one-hot (to
     * skip {@link Dataset#isOneHot()}'s scan when evaluating the same data repeatedly).
     *
     * @param net the network
     * @param data the examples, with the network's input and output widths
     * @param loss the loss to measure
     * @param batchSize rows per forward pass, at least 1
     * @param oneHot whether to measure accuracy; only meaningful for one-hot targets
     * @return the mean loss and, if {@code oneHot}, the accuracy
     * @throws IllegalArgumentException if the widths differ or {@code batchSize} is not positive
     */
    public static Evaluation evaluate(Network net, Dataset data, Loss loss, int batchSize, boolean oneHot) {
        if (data.inputs() != net.inputs() || data.outputs() != net.outputs()) {
            throw new IllegalArgumentException("the data has " + data.inputs() + " inputs and " + data.outputs()
                    + " targets per row but the network " + LayerSizes.format(net.sizes()) + " takes " + net.inputs()
                    + " and gives " + net.outputs());
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        Backend backend = net.backend();
        int rows = data.rows();
        int batch = Math.min(batchSize, rows);
        int in = data.inputs();
        int out = data.outputs();
        double lossSum = 0;
        long correct = 0;
        int[] predicted = new int[batch];
        boolean wide = data.dtype() == DType.FLOAT64;
        double[] dx = wide ? new double[batch * in] : null;
        double[] dy = wide ? new double[batch * out] : null;
        float[] fx = wide ? null : new float[batch * in];
        float[] fy = wide ? null : new float[batch * out];
        Tensor x = null;
        Tensor y = null;
        try {
            for (int from = 0; from < rows; from += batch) {
                int n = Math.min(batch, rows - from);
                if (x == null || x.rows() != n) {
                    close(x, y);
                    x = null;
                    y = null;
                    x = backend.zeros(net.dtype(), n, in);
                    y = backend.zeros(net.dtype(), n, out);
                }
                if (wide) {
                    data.copyRows(from, n, dx, dy);
                    backend.copyFromHost(dx, 0, x);
                    backend.copyFromHost(dy, 0, y);
                } else {
                    data.copyRows(from, n, fx, fy);
                    backend.copyFromHost(fx, 0, x);
                    backend.copyFromHost(fy, 0, y);
                }
                lossSum += net.loss(x, y, loss) * n;
                if (oneHot) {
                    backend.rowArgmax(net.lastOutput(), predicted);
                    for (int r = 0; r < n; r++) {
                        if (data.target(from + r, predicted[r]) == 1) {
                            correct++;
                        }
                    }
                }
            }
        } finally {
            close(x, y);
        }
        return new Evaluation(lossSum / rows, oneHot ? (double) correct / rows : Double.NaN, rows);
    }

    private static void close(Tensor a, Tensor b) {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }
}
