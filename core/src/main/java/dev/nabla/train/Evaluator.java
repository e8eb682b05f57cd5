package dev.nabla.train;

import dev.nabla.nn.Network;
import dev.nabla.nn.LayerSizes;
import dev.nabla.data.Dataset;
import dev.nabla.data.Features;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

/**
 * Runs a network forward over a whole data set in mini-batches (in row order, no updates): the
 * mean loss and, where the targets are one-hot, the accuracy of the argmax; or the outputs.
 */
public final class Evaluator {
    /** Mean loss over all rows; accuracy in [0, 1], or NaN when the targets are not one-hot. */
    public record Result(double loss, double accuracy, int rows) {
        public boolean hasAccuracy() {
            return !Double.isNaN(accuracy);
        }
    }

    private Evaluator() {
    }

    /** The mean {@code loss} of {@code net} on {@code data}; accuracy when {@code data.isOneHot()}. */
    public static Result evaluate(Network net, Dataset data, Loss loss, int batchSize) {
        return evaluate(net, data, loss, batchSize, data.isOneHot());
    }

    /** As {@link #evaluate(Network, Dataset, Loss, int)}, told whether the targets are one-hot. */
    public static Result evaluate(Network net, Dataset data, Loss loss, int batchSize, boolean oneHot) {
        checkShape(net, data.inputs());
        if (data.outputs() != net.outputs()) {
            throw new IllegalArgumentException("the data has " + data.outputs() + " targets per row but the network "
                    + LayerSizes.format(net.sizes()) + " gives " + net.outputs() + " outputs");
        }
        int rows = data.rows();
        int batch = Math.max(1, Math.min(batchSize, rows));
        int in = data.inputs();
        int out = data.outputs();
        double lossSum = 0;
        long correct = 0;
        int[] predicted = new int[batch];
        float[] hostX = new float[batch * in];
        float[] hostY = new float[batch * out];
        Tensor x = null;
        Tensor y = null;
        try {
            for (int from = 0; from < rows; from += batch) {
                int n = Math.min(batch, rows - from);
                if (x == null || x.rows() != n) {
                    close(x, y);
                    x = net.backend().zeros(net.dtype(), n, in);
                    y = net.backend().zeros(net.dtype(), n, out);
                }
                System.arraycopy(data.features(), from * in, hostX, 0, n * in);
                System.arraycopy(data.targets(), from * out, hostY, 0, n * out);
                net.backend().copyFromHost(hostX, 0, x);
                net.backend().copyFromHost(hostY, 0, y);
                lossSum += net.loss(x, y, loss) * n;
                if (oneHot) {
                    net.backend().rowArgmax(net.lastOutput(), predicted);
                    for (int r = 0; r < n; r++) {
                        if (hostY[r * out + predicted[r]] == 1f) {
                            correct++;
                        }
                    }
                }
            }
        } finally {
            close(x, y);
        }
        return new Result(lossSum / rows, oneHot ? (double) correct / rows : Double.NaN, rows);
    }

    /** The outputs [rows, outputs] of {@code net} for every row of {@code features}. */
    public static float[] predict(Network net, Features features, int batchSize) {
        checkShape(net, features.inputs());
        int rows = features.rows();
        int batch = Math.max(1, Math.min(batchSize, rows));
        int in = features.inputs();
        int out = net.outputs();
        float[] result = new float[Math.multiplyExact(rows, out)];
        float[] hostX = new float[batch * in];
        Tensor x = null;
        try {
            for (int from = 0; from < rows; from += batch) {
                int n = Math.min(batch, rows - from);
                if (x == null || x.rows() != n) {
                    close(x, null);
                    x = net.backend().zeros(net.dtype(), n, in);
                }
                System.arraycopy(features.values(), from * in, hostX, 0, n * in);
                net.backend().copyFromHost(hostX, 0, x);
                net.backend().copyToHost(net.forward(x), result, from * out);
            }
        } finally {
            close(x, null);
        }
        return result;
    }

    private static void checkShape(Network net, int inputs) {
        if (inputs != net.inputs()) {
            throw new IllegalArgumentException("the data has " + inputs + " inputs per row but the network "
                    + LayerSizes.format(net.sizes()) + " takes " + net.inputs());
        }
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
