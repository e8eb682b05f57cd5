package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.nn.Sgd;
import dev.nabla.train.StepEngine;
import dev.nabla.train.TrainingException;
import dev.nabla.train.TrainingSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The engine {@link SparkTraining} starts for one {@code TrainingRun.fit}: it places the rows on
 * the executors once, then runs each epoch's steps as Spark jobs (see {@link SparkTraining} for the
 * two modes). The driver's network and optimizer hold the run's state between jobs, so the run's
 * checkpoints, resume and validation work as on one machine.
 */
final class SparkStepEngine implements StepEngine {
    private final SparkTraining config;
    private final JavaSparkContext spark;
    private final Network net;
    private final Sgd sgd;
    private final WorkerSpec spec;
    private final int rows;
    private final int[] sizes;
    private final int length;
    private final List<Broadcast<Shard>> data = new ArrayList<>();
    private final JavaRDD<Shard> shards;
    private final int partitions;
    private final LongAccumulator resultBytes;
    private final LongAccumulator taskNanos;
    private long steps;
    private long jobs;
    private long jobNanos;
    private long driverNanos;
    private long broadcastNanos;
    private long broadcastBytes;

    SparkStepEngine(SparkTraining config, Network net, Sgd sgd, Dataset train, TrainingSettings settings) {
        this.config = config;
        this.spark = config.spark;
        this.net = net;
        this.sgd = sgd;
        this.rows = train.rows();
        this.sizes = net.sizes();
        this.length = Flat.length(sizes);
        this.spec = new WorkerSpec(config.backendId, config.threads, net.dtype(), sizes, net.loss(),
                sgd.learningRate(), sgd.momentum());
        this.partitions = config.partitionsFor(rows);
        this.resultBytes = spark.sc().longAccumulator("nabla result bytes");
        this.taskNanos = spark.sc().longAccumulator("nabla task nanoseconds");
        // Each partition's rows travel once, as a broadcast of their own (so an executor fetches only
        // the partitions it holds, and a task carries no data); the executors keep them in a cached RDD.
        int[][] assignment = Shard.assign(rows, partitions, settings.seed());
        try {
            for (int p = 0; p < partitions; p++) {
                data.add(spark.broadcast(Shard.of(p, train, assignment[p])));
            }
            List<Broadcast<Shard>> handles = new ArrayList<>(data);
            List<Integer> ids = IntStream.range(0, partitions).boxed().collect(Collectors.toList());
            this.shards = spark.parallelize(ids, partitions)
                    .map(p -> handles.get(p).value().built())
                    .setName("nabla training rows")
                    .persist(StorageLevel.MEMORY_AND_DISK());
            long placed = shards.count();
            if (placed != partitions) {
                throw new IllegalStateException("placed " + placed + " shards for " + partitions + " partitions");
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public EpochSteps runEpoch(int epoch, int[] order, int batchSize, EpochControl control) {
        int[] positions = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            positions[order[i]] = i;
        }
        Broadcast<int[]> pos = spark.broadcast(positions);
        try {
            return config.mode == SparkTraining.Mode.SYNC ? syncEpoch(epoch, pos, batchSize, control)
                    : averageEpoch(epoch, pos, batchSize, control);
        } finally {
            pos.destroy();
            config.recordRun(stats());
        }
    }

    private EpochSteps syncEpoch(int epoch, Broadcast<int[]> pos, int batchSize, EpochControl control) {
        int batches = (rows + batchSize - 1) / batchSize;
        double lossSum = 0;
        int done = 0;
        WorkerSpec spec = this.spec;
        for (int b = 0; b < batches && !control.stopRequested(); b++) {
            long t0 = System.nanoTime();
            WeightsRef w = share(Weights.of(net.parameters(), net.dtype(), null));
            int batch = b;
            long step = steps;
            LongAccumulator bytes = resultBytes;
            long t1 = System.nanoTime();
            double[] total;
            try {
                total = TreeSum.sum(shards, new Tasks.SyncStep(spec, pos, batch, batchSize, w, step, bytes, taskNanos),
                        config.aggregationDepth, length + 2);
            } catch (Exception e) { // SparkException is checked, though Scala throws it undeclared
                throw failed(e, epoch, b);
            } finally {
                w.release();
            }
            long t2 = System.nanoTime();
            int n = Math.min(batchSize, rows - b * batchSize);
            checkRows(total[length + 1], n, epoch, b);
            double loss = total[length] / n;
            control.batchLoss(b, loss);
            net.setGradients(Flat.toParameters(total, 0, n, sizes));
            sgd.step(net);
            lossSum += loss;
            done++;
            steps++;
            jobs++;
            jobNanos += t2 - t1;
            driverNanos += (t1 - t0) + (System.nanoTime() - t2);
            control.batchDone(b);
        }
        return new EpochSteps(done, lossSum);
    }

    /** Ships the weights for one job (inline or broadcast) and counts the time and bytes it took. */
    private WeightsRef share(Weights weights) {
        long t0 = System.nanoTime();
        WeightsRef w = WeightsRef.share(spark, weights, config.inlineWeightsBytes);
        broadcastNanos += System.nanoTime() - t0;
        broadcastBytes += weights.bytes();
        return w;
    }

    private EpochSteps averageEpoch(int epoch, Broadcast<int[]> pos, int batchSize, EpochControl control) {
        int batches = (rows + batchSize - 1) / batchSize;
        int k = config.averageSteps;
        boolean momentum = sgd.momentum() > 0;
        int base = momentum ? 2 * length : length;
        double lossSum = 0;
        int done = 0;
        WorkerSpec spec = this.spec;
        for (int first = 0; first < batches && !control.stopRequested(); first += k) {
            long t0 = System.nanoTime();
            int count = Math.min(k, batches - first);
            WeightsRef w = share(Weights.of(net.parameters(), net.dtype(), momentum ? sgd.velocities() : null));
            int firstBatch = first;
            long round = jobs;
            LongAccumulator bytes = resultBytes;
            long t1 = System.nanoTime();
            double[] total;
            try {
                total = TreeSum.sum(shards, new Tasks.LocalSteps(spec, pos, firstBatch, count, batchSize, w, round, bytes, taskNanos),
                        config.aggregationDepth, base + 2 * count + 1);
            } catch (Exception e) {
                throw failed(e, epoch, first);
            } finally {
                w.release();
            }
            long t2 = System.nanoTime();
            double[] losses = new double[count];
            for (int j = 0; j < count; j++) {
                int n = Math.min(batchSize, rows - (first + j) * batchSize);
                checkRows(total[base + count + j], n, epoch, first + j);
                losses[j] = total[base + j] / n;
                control.batchLoss(first + j, losses[j]);
            }
            double visited = total[base + 2 * count];
            net.setParameters(Flat.toParameters(total, 0, visited, sizes));
            if (momentum) {
                Parameters v = Flat.toParameters(total, length, visited, sizes);
                sgd.setVelocities(net, v);
            }
            jobs++;
            jobNanos += t2 - t1;
            driverNanos += (t1 - t0) + (System.nanoTime() - t2);
            for (int j = 0; j < count; j++) {
                lossSum += losses[j];
                done++;
                steps++;
                control.batchDone(first + j);
            }
        }
        return new EpochSteps(done, lossSum);
    }

    private void checkRows(double seen, int expected, int epoch, int batch) {
        if (seen != expected) {
            throw new IllegalStateException("epoch " + (epoch + 1) + ", batch " + (batch + 1) + ": the partitions "
                    + "computed " + (long) seen + " rows of a batch of " + expected);
        }
    }

    /** A Spark failure as a training failure, with the executor's own message. */
    private static TrainingException failed(Exception e, int epoch, int batch) {
        return new TrainingException("the Spark job of epoch " + (epoch + 1) + ", batch " + (batch + 1) + " failed: "
                + reason(e), e);
    }

    /**
     * The task's own exception, as "SimpleName: message": the deepest cause when Spark kept it, else
     * read from Spark's "Job aborted ... most recent failure: Lost task ...: CLASS: MESSAGE" line.
     */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            return root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + firstLine(root.getMessage()) : "");
        }
        String message = firstLine(String.valueOf(e.getMessage()));
        int lost = message.indexOf("most recent failure: Lost task");
        int colon = lost < 0 ? -1 : message.indexOf("): ", lost);
        if (colon < 0) {
            return message;
        }
        String task = message.substring(colon + 3);
        int end = task.indexOf(':');
        String className = end < 0 ? task : task.substring(0, end);
        if (className.matches("[\\w.$]+")) {
            return className.substring(className.lastIndexOf('.') + 1) + (end < 0 ? "" : task.substring(end));
        }
        return task;
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    SparkRunStats stats() {
        return new SparkRunStats(steps, jobs, jobNanos / 1e9, taskNanos.value() / 1e9, driverNanos / 1e9,
                broadcastNanos / 1e9, broadcastBytes, resultBytes.value(), partitions);
    }

    @Override
    public void close() {
        if (shards != null) {
            shards.unpersist(false);
        }
        for (Broadcast<Shard> b : data) {
            b.destroy();
        }
        data.clear();
    }
}
