package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.tensor.DType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One partition's training rows, kept by the executor that holds the partition for the whole run
 * (a cached RDD element): the rows' global indices, ascending, and their features and targets in
 * the run's dtype. Each epoch it learns from the epoch's order which of its rows fall into which
 * global mini-batch (its {@link Plan}), and serves them to the steps.
 */
final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Shards built in this JVM (tests check that steps reuse them instead of rebuilding). */
    static final AtomicInteger BUILT = new AtomicInteger();

    final int partition;
    /** Global row indices, ascending. */
    final int[] rows;
    final int inputs;
    final int outputs;
    private final float[] fx;
    private final float[] fy;
    private final double[] dx;
    private final double[] dy;
    private transient volatile Plan plan;

    private Shard(int partition, int[] rows, int inputs, int outputs, float[] fx, float[] fy, double[] dx,
                  double[] dy) {
        this.partition = partition;
        this.rows = rows;
        this.inputs = inputs;
        this.outputs = outputs;
        this.fx = fx;
        this.fy = fy;
        this.dx = dx;
        this.dy = dy;
    }

    /** Copies the given rows (ascending global indices) of {@code data} into a shard. */
    static Shard of(int partition, Dataset data, int[] rows) {
        int n = rows.length;
        if (data.dtype() == DType.FLOAT64) {
            double[] x = new double[n * data.inputs()];
            double[] y = new double[n * data.outputs()];
            data.gather(rows, 0, n, x, y);
            return new Shard(partition, rows, data.inputs(), data.outputs(), null, null, x, y);
        }
        float[] x = new float[n * data.inputs()];
        float[] y = new float[n * data.outputs()];
        data.gather(rows, 0, n, x, y);
        return new Shard(partition, rows, data.inputs(), data.outputs(), x, y, null, null);
    }

    /**
     * Which rows go to which partition: a seeded random assignment of equal shares (±1 row), so
     * that every partition holds a sample of the whole set even when the file is sorted (by class,
     * say), which {@code average} mode's local steps need. Each partition's rows come back ascending.
     */
    static int[][] assign(int rows, int partitions, long seed) {
        int[] perm = new int[rows];
        for (int i = 0; i < rows; i++) {
            perm[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[][] out = new int[partitions][];
        for (int p = 0; p < partitions; p++) {
            int from = (int) ((long) rows * p / partitions);
            int to = (int) ((long) rows * (p + 1) / partitions);
            out[p] = Arrays.copyOfRange(perm, from, to);
            Arrays.sort(out[p]);
        }
        return out;
    }

    /** Counts this shard as built in this JVM (called where an executor materialises it). */
    Shard built() {
        BUILT.incrementAndGet();
        return this;
    }

    DType dtype() {
        return dx != null ? DType.FLOAT64 : DType.FLOAT32;
    }

    /**
     * The epoch plan for the order whose positions (position of each global row in the epoch's
     * order) were broadcast as {@code orderId}: computed once per epoch, then reused by every step.
     */
    Plan plan(long orderId, org.apache.spark.broadcast.Broadcast<int[]> positions) {
        Plan p = plan;
        if (p != null && p.orderId == orderId) {
            return p;
        }
        synchronized (this) {
            p = plan;
            if (p == null || p.orderId != orderId) {
                p = new Plan(orderId, positions.value(), rows);
                plan = p;
            }
            return p;
        }
    }

    /** Copies local rows {@code local[from .. from+n)} into row-major staging arrays. */
    void gather(int[] local, int from, int n, float[] x, float[] y) {
        for (int i = 0; i < n; i++) {
            int r = local[from + i];
            if (fx != null) {
                System.arraycopy(fx, r * inputs, x, i * inputs, inputs);
                System.arraycopy(fy, r * outputs, y, i * outputs, outputs);
            } else {
                for (int k = 0; k < inputs; k++) {
                    x[i * inputs + k] = (float) dx[r * inputs + k];
                }
                for (int k = 0; k < outputs; k++) {
                    y[i * outputs + k] = (float) dy[r * outputs + k];
                }
            }
        }
    }

    void gather(int[] local, int from, int n, double[] x, double[] y) {
        for (int i = 0; i < n; i++) {
            int r = local[from + i];
            if (dx != null) {
                System.arraycopy(dx, r * inputs, x, i * inputs, inputs);
                System.arraycopy(dy, r * outputs, y, i * outputs, outputs);
            } else {
                for (int k = 0; k < inputs; k++) {
                    x[i * inputs + k] = fx[r * inputs + k];
                }
                for (int k = 0; k < outputs; k++) {
                    y[i * outputs + k] = fy[r * outputs + k];
                }
            }
        }
    }

    /**
     * One epoch's view of a shard: its local rows sorted by their position in the epoch's order, so
     * that the rows of global batch b are one run of it (in the order one machine visits them).
     */
    static final class Plan {
        final long orderId;
        /** Positions in the epoch's order, ascending. */
        final int[] positions;
        /** The local row (index into the shard) at each of those positions. */
        final int[] local;

        Plan(long orderId, int[] globalPositions, int[] rows) {
            this.orderId = orderId;
            int n = rows.length;
            long[] keyed = new long[n];
            for (int i = 0; i < n; i++) {
                keyed[i] = ((long) globalPositions[rows[i]] << 32) | i;
            }
            Arrays.sort(keyed);
            positions = new int[n];
            local = new int[n];
            for (int i = 0; i < n; i++) {
                positions[i] = (int) (keyed[i] >>> 32);
                local[i] = (int) keyed[i];
            }
        }

        /** The first index into {@link #local} whose position is at least {@code position}. */
        int lowerBound(long position) {
            int lo = 0;
            int hi = positions.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (positions[mid] < position) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
