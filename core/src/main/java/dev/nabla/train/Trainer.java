package dev.nabla.train;

import dev.nabla.nn.Network;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Sgd;
import dev.nabla.data.Dataset;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mini-batch SGD over a {@link Dataset}: each epoch visits every row once, in batches of
 * {@code batchSize} (the last one smaller when the rows do not divide evenly), computing the
 * gradients of the batch-mean loss and taking one optimizer step per batch.
 */
public final class Trainer {
    private final TrainingConfig config;
    private volatile boolean stopRequested;

    public Trainer(TrainingConfig config) {
        this.config = config;
    }

    public TrainingConfig config() {
        return config;
    }

    /**
     * Asks a running {@link #fit} to stop after the step in progress; it then returns the epochs that
     * finished. Safe to call from another thread (e.g. a signal handler).
     */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** Trains for epochs {@code 0 .. epochs-1}. */
    public List<EpochStats> fit(Network net, Sgd sgd, Dataset data, TrainingListener listener) {
        return fit(net, sgd, data, 0, listener);
    }

    /**
     * Trains for epochs {@code firstEpoch .. epochs-1} (a resumed run starts past 0) and returns the
     * statistics of the epochs that completed.
     *
     * @throws TrainingDivergedException when a batch loss is NaN or infinite; the parameters are then
     *                                   those before that batch's update
     */
    public List<EpochStats> fit(Network net, Sgd sgd, Dataset data, int firstEpoch, TrainingListener listener) {
        if (data.inputs() != net.inputs() || data.outputs() != net.outputs()) {
            throw new IllegalArgumentException("the data has " + data.inputs() + " inputs and " + data.outputs()
                    + " outputs but the network " + LayerSizes.format(net.sizes()) + " takes " + net.inputs()
                    + " and gives " + net.outputs());
        }
        int rows = data.rows();
        int batchSize = Math.min(config.batchSize(), rows);
        int batches = (rows + batchSize - 1) / batchSize;
        List<EpochStats> done = new ArrayList<>();
        try (BatchBuffers full = new BatchBuffers(net, batchSize);
             BatchBuffers tail = rows % batchSize == 0 ? null : new BatchBuffers(net, rows % batchSize)) {
            int[] order = identity(rows);
            for (int epoch = firstEpoch; epoch < config.epochs() && !stopRequested; epoch++) {
                if (config.shuffle()) {
                    shuffleInto(order, config.seed(), epoch);
                }
                listener.onEpochStart(epoch, batches);
                long start = System.nanoTime();
                double lossSum = 0;
                int finished = 0;
                for (int b = 0; b < batches && !stopRequested; b++) {
                    int from = b * batchSize;
                    BatchBuffers buffers = from + batchSize <= rows ? full : tail;
                    buffers.load(data, order, from);
                    double loss = net.computeGradients(buffers.x, buffers.y, config.loss());
                    if (!Double.isFinite(loss)) {
                        throw new TrainingDivergedException(epoch, b, loss, sgd.learningRate());
                    }
                    sgd.step(net);
                    lossSum += loss;
                    finished++;
                    listener.onBatchEnd(epoch, b, batches, loss);
                }
                if (finished < batches) {
                    break; // stopped mid-epoch: the epoch is not reported as done
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                EpochStats stats = new EpochStats(epoch, lossSum / batches, rows, seconds);
                done.add(stats);
                listener.onEpochEnd(stats);
            }
        }
        return done;
    }

    /** The row order of epoch {@code epoch}: a Fisher-Yates shuffle seeded by (seed, epoch) alone. */
    public static int[] epochOrder(int rows, long seed, int epoch) {
        int[] order = identity(rows);
        shuffleInto(order, seed, epoch);
        return order;
    }

    private static int[] identity(int rows) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        return order;
    }

    private static void shuffleInto(int[] order, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Host staging arrays and backend tensors for mini-batches of one size, reused every step. */
    private static final class BatchBuffers implements AutoCloseable {
        final Backend backend;
        final int rows;
        final float[] hostX;
        final float[] hostY;
        final Tensor x;
        final Tensor y;

        BatchBuffers(Network net, int rows) {
            this.backend = net.backend();
            this.rows = rows;
            hostX = new float[rows * net.inputs()];
            hostY = new float[rows * net.outputs()];
            x = backend.zeros(net.dtype(), rows, net.inputs());
            y = backend.zeros(net.dtype(), rows, net.outputs());
        }

        void load(Dataset data, int[] order, int from) {
            data.gather(order, from, rows, hostX, hostY);
            backend.copyFromHost(hostX, x);
            backend.copyFromHost(hostY, y);
        }

        @Override
        public void close() {
            x.close();
            y.close();
        }
    }
}
