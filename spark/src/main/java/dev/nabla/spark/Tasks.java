package dev.nabla.spark;

import dev.nabla.nn.Parameters;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/** What the executors run for a step: static, so the closures Spark ships capture only their arguments. */
final class Tasks {
    private Tasks() {
    }

    /**
     * {@code sync} mode: the sums, over this shard's rows in global batch {@code batch}, of the
     * loss and the gradient at the broadcast weights: [gradient sums (flat), loss sum, rows], or
     * {@link TreeSum#NOTHING} when the shard has no row in the batch.
     */
    static double[] gradientSums(WorkerSpec spec, Shard shard, Broadcast<int[]> positions, int batch, int batchSize,
                                 WeightsRef weights, long step) {
        Shard.Plan plan = plan(shard, positions);
        int from = plan.lowerBound((long) batch * batchSize);
        int n = plan.lowerBound((long) (batch + 1) * batchSize) - from;
        if (n == 0) {
            return TreeSum.NOTHING;
        }
        Worker w = Workers.borrow(spec);
        boolean ok = false;
        try {
            w.setWeights(weights.get());
            TaskHooks.beforeTask(step, shard.partition);
            double loss = w.gradients(shard, plan.local, from, n);
            int len = spec.parameterCount();
            double[] out = new double[len + 2];
            Flat.write(w.net.gradients(), n, out, 0);
            out[len] = loss * n;
            out[len + 1] = n;
            ok = true;
            return out;
        } finally {
            release(w, ok);
        }
    }

    /**
     * {@code average} mode: {@code count} local SGD steps from the broadcast weights (and momentum),
     * one per global batch {@code first, first+1, ...} on this shard's rows in it, then
     * [weights * m, velocities * m (with momentum), loss sums per batch, rows per batch, m] where m
     * is the rows this shard visited, so that the sum over partitions divided by the sum of m is the
     * row-weighted average; {@link TreeSum#NOTHING} when the shard visited none.
     */
    static double[] localSteps(WorkerSpec spec, Shard shard, Broadcast<int[]> positions, int first, int count,
                               int batchSize, WeightsRef weights, long round) {
        Shard.Plan plan = plan(shard, positions);
        Worker w = Workers.borrow(spec);
        boolean ok = false;
        try {
            boolean momentum = spec.momentum() > 0;
            w.setWeights(weights.get());
            if (momentum) {
                w.setVelocities(weights.get());
            }
            double[] lossSums = new double[count];
            double[] rows = new double[count];
            double visited = 0;
            for (int j = 0; j < count; j++) {
                if (j == count / 2) {
                    TaskHooks.beforeTask(round, shard.partition);
                }
                int batch = first + j;
                int from = plan.lowerBound((long) batch * batchSize);
                int n = plan.lowerBound((long) (batch + 1) * batchSize) - from;
                if (n == 0) {
                    continue;
                }
                double loss = w.gradients(shard, plan.local, from, n);
                w.sgd().step(w.net);
                lossSums[j] = loss * n;
                rows[j] = n;
                visited += n;
            }
            ok = true;
            if (visited == 0) {
                return TreeSum.NOTHING;
            }
            int len = spec.parameterCount();
            int base = momentum ? 2 * len : len;
            double[] out = new double[base + 2 * count + 1];
            Flat.write(w.net.parameters(), visited, out, 0);
            if (momentum) {
                Parameters v = w.sgd().velocities();
                Flat.write(v, visited, out, len);
            }
            System.arraycopy(lossSums, 0, out, base, count);
            System.arraycopy(rows, 0, out, base + count, count);
            out[base + 2 * count] = visited;
            return out;
        } finally {
            release(w, ok);
        }
    }

    /**
     * A sync step's task, as a named class (see {@link TreeSum}); counts the bytes it returns.
     *
     * @param spec the executors' network and backend
     * @param positions the epoch's row order, broadcast once per epoch
     * @param batch the global mini-batch's index within the epoch
     * @param batchSize rows per global mini-batch
     * @param weights the weights to compute the gradients at
     * @param step the global step (tests inject a task failure by it)
     * @param resultBytes adds the bytes each task returns
     * @param taskNanos adds each task's own time
     */
    record SyncStep(WorkerSpec spec, Broadcast<int[]> positions, int batch, int batchSize, WeightsRef weights,
                    long step, LongAccumulator resultBytes, LongAccumulator taskNanos) implements TreeSum.PartitionValue {
        @Override
        public double[] apply(Shard shard) {
            long t0 = System.nanoTime();
            double[] out = gradientSums(spec, shard, positions, batch, batchSize, weights, step);
            taskNanos.add(System.nanoTime() - t0);
            return counted(resultBytes, out);
        }
    }

    /**
     * An average round's task.
     *
     * @param spec the executors' network, backend and SGD settings
     * @param positions the epoch's row order, broadcast once per epoch
     * @param first the round's first global mini-batch within the epoch
     * @param count the local steps of the round
     * @param batchSize rows per global mini-batch
     * @param weights the weights (and momentum) the round starts from
     * @param round the averaging round (tests inject a task failure by it)
     * @param resultBytes adds the bytes each task returns
     * @param taskNanos adds each task's own time
     */
    record LocalSteps(WorkerSpec spec, Broadcast<int[]> positions, int first, int count, int batchSize,
                      WeightsRef weights, long round, LongAccumulator resultBytes, LongAccumulator taskNanos)
            implements TreeSum.PartitionValue {
        @Override
        public double[] apply(Shard shard) {
            long t0 = System.nanoTime();
            double[] out = localSteps(spec, shard, positions, first, count, batchSize, weights, round);
            taskNanos.add(System.nanoTime() - t0);
            return counted(resultBytes, out);
        }
    }

    private static double[] counted(LongAccumulator bytes, double[] values) {
        bytes.add(8L * values.length);
        return values;
    }

    private static Shard.Plan plan(Shard shard, Broadcast<int[]> positions) {
        return shard.plan(positions.id(), positions);
    }

    private static void release(Worker w, boolean ok) {
        if (ok) {
            Workers.giveBack(w);
        } else {
            Workers.drop(w);
        }
    }
}
