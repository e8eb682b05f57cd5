package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Network;
import dev.nabla.nn.Sgd;
import dev.nabla.train.StepEngine;
import dev.nabla.train.TrainingSettings;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;
import java.util.Objects;

/**
 * Nabla's training on Apache Spark, as a {@link StepEngine.Factory} for
 * {@link dev.nabla.train.TrainingRun}: the run on the driver keeps everything it does on one machine
 * (the epoch order, validation, checkpoints, resume, the JSON log, divergence checks, the model
 * file); the steps' arithmetic runs on the executors.
 *
 * <pre>{@code
 * SparkTraining spark = SparkTraining.on(sparkSession).mode(SparkTraining.Mode.SYNC).backend("cpu").build();
 * TrainingResult r = TrainingRun.builder().learningRate(0.5).batchSize(512).epochs(5)
 *         .engine(spark).build().fit(network, trainSet);
 * }</pre>
 *
 * <p>The training rows are split into partitions once per run (a seeded random assignment of equal
 * shares); each executor keeps its partitions' rows and, per task slot, a backend with a network on
 * it for the whole run. Two modes:
 * <ul>
 *   <li>{@link Mode#SYNC} (default): for every global mini-batch, each partition computes the loss
 *       and gradient sums of its rows in the batch at the broadcast weights; the sums come back
 *       through a tree (one Spark job per step); the driver divides by the batch's rows and takes
 *       the SGD step. The same algorithm as one machine: only the order of the sums differs.</li>
 *   <li>{@link Mode#AVERAGE}: each partition takes {@link Builder#averageSteps K} local SGD steps (its
 *       share of K consecutive global batches) from the broadcast weights and momentum, then the
 *       weights and momentum are averaged, weighted by the rows each partition visited (one job
 *       per K steps). With K = 1 this is {@code SYNC} again.</li>
 * </ul>
 * A failed task is retried by Spark and changes nothing: tasks are pure functions of the broadcast
 * weights and the cached rows, and partial sums are combined in partition order.
 */
public final class SparkTraining implements StepEngine.Factory {
    /** Weights up to this size travel inside the job's task binary rather than in a broadcast of their own. */
    public static final long DEFAULT_INLINE_WEIGHTS_BYTES = 1 << 20;
    /** The backend the executors use unless told otherwise. */
    public static final String DEFAULT_BACKEND = "cpu";

    /** How the executors' work becomes a step. */
    public enum Mode {
        /** Gradient sums over the partitions every step, the step on the driver: one machine's algorithm. */
        SYNC,
        /** K local steps per partition, then weights and momentum averaged (dl4j-spark's parameter averaging). */
        AVERAGE;

        /**
         * The mode named {@code text}, case-insensitively.
         *
         * @param text {@code sync} or {@code average}
         * @return the mode
         * @throws IllegalArgumentException for any other text
         */
        public static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(text.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("Spark training mode must be sync or average, got '" + text + "'");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    final JavaSparkContext spark;
    final Mode mode;
    final int averageSteps;
    final int partitions;
    final String backendId;
    final int threads;
    final int aggregationDepth;
    final long inlineWeightsBytes;
    private volatile SparkRunStats lastRun;

    private SparkTraining(Builder b) {
        this.spark = b.spark;
        this.mode = b.mode;
        this.averageSteps = b.averageSteps;
        this.partitions = b.partitions;
        this.backendId = b.backendId;
        this.threads = b.threads;
        this.aggregationDepth = b.aggregationDepth;
        this.inlineWeightsBytes = b.inlineWeightsBytes;
    }

    /**
     * Settings for training on {@code session}'s Spark context.
     *
     * @param session a running Spark session (its context runs the jobs)
     * @return a builder with the defaults: sync, backend cpu, Spark's default parallelism
     */
    public static Builder on(SparkSession session) {
        return new Builder(JavaSparkContext.fromSparkContext(session.sparkContext()));
    }

    /**
     * Settings for training on a Spark context.
     *
     * @param context a running Spark context
     * @return a builder with the defaults: sync, backend cpu, Spark's default parallelism
     */
    public static Builder on(SparkContext context) {
        return new Builder(JavaSparkContext.fromSparkContext(context));
    }

    /**
     * How the executors' work becomes a step.
     *
     * @return sync or average
     */
    public Mode mode() {
        return mode;
    }

    /**
     * K, the local steps between two averages (used in average mode only).
     *
     * @return at least 1
     */
    public int averageSteps() {
        return averageSteps;
    }

    /**
     * The backend id the executors compute on.
     *
     * @return e.g. {@code cpu}
     */
    public String backendId() {
        return backendId;
    }

    /**
     * The partitions a run over {@code rows} rows uses.
     *
     * @param rows the training rows
     * @return the partitions set (or Spark's default parallelism), at most one per row, at least 1
     */
    public int partitionsFor(int rows) {
        int p = partitions > 0 ? partitions : spark.defaultParallelism();
        return Math.max(1, Math.min(p, rows));
    }

    /**
     * Counters of the last run started with this factory.
     *
     * @return steps, jobs, time and bytes of that run (updated as it goes), or null before any run
     */
    public SparkRunStats lastRun() {
        return lastRun;
    }

    void recordRun(SparkRunStats stats) {
        this.lastRun = stats;
    }

    @Override
    public StepEngine start(Network net, Sgd sgd, Dataset train, TrainingSettings settings) {
        return new SparkStepEngine(this, net, sgd, train, settings);
    }

    /**
     * A one-line description of the settings.
     *
     * @return e.g. "sync, 2 partitions, cpu on the executors (spark.task.cpus = 1 threads per task)"
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s%s, %d partitions, %s on the executors (%s per task)", mode,
                mode == Mode.AVERAGE ? " (averaged every " + averageSteps + " steps)" : "",
                partitionsFor(Integer.MAX_VALUE), backendId,
                threads > 0 ? threads + (threads == 1 ? " thread" : " threads")
                        : "spark.task.cpus = " + spark.getConf().get("spark.task.cpus", "1") + " threads");
    }

    @Override
    public String toString() {
        return "SparkTraining[" + mode + (mode == Mode.AVERAGE ? " K=" + averageSteps : "") + ", " + backendId + "]";
    }

    /** Settings of a {@link SparkTraining}. */
    public static final class Builder {
        private final JavaSparkContext spark;
        private Mode mode = Mode.SYNC;
        private int averageSteps = 8;
        private int partitions;
        private String backendId = DEFAULT_BACKEND;
        private int threads;
        private int aggregationDepth = 2;
        private long inlineWeightsBytes = DEFAULT_INLINE_WEIGHTS_BYTES;

        private Builder(JavaSparkContext spark) {
            this.spark = Objects.requireNonNull(spark, "spark context");
        }

        /**
         * {@link Mode#SYNC} (default) or {@link Mode#AVERAGE}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * K: local steps between two averages in {@link Mode#AVERAGE} (default 8).
         *
         * @param k at least 1
         * @return this builder
         * @throws IllegalArgumentException if k is below 1
         */
        public Builder averageSteps(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("average steps must be at least 1, got " + k);
            }
            this.averageSteps = k;
            return this;
        }

        /**
         * Partitions of the training rows (default: Spark's default parallelism; at most one per row).
         *
         * @param partitions the number of partitions, or 0 for Spark's default parallelism
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder partitions(int partitions) {
            if (partitions < 0) {
                throw new IllegalArgumentException("partitions must be positive (or 0: Spark's default), got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /**
         * The backend id the executors compute on (default {@value #DEFAULT_BACKEND}).
         *
         * @param id a backend id installed on the executors
         * @return this builder
         */
        public Builder backend(String id) {
            this.backendId = Objects.requireNonNull(id, "backend id").trim();
            return this;
        }

        /**
         * Backend threads per task (default 0: the task's spark.task.cpus).
         *
         * @param threads threads, or 0 for spark.task.cpus
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Depth of the tree that sums the partitions' results, as treeAggregate's (default 2).
         *
         * @param depth at least 1 (1: every partition's result goes to the driver)
         * @return this builder
         * @throws IllegalArgumentException if depth is below 1
         */
        public Builder aggregationDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("aggregation depth must be at least 1, got " + depth);
            }
            this.aggregationDepth = depth;
            return this;
        }

        /**
         * Weights (and momentum) of up to this many bytes travel inside each job's task binary, which
         * Spark broadcasts once per stage anyway; larger ones get a broadcast of their own, read once
         * per executor instead of once per task. Default 1 MB; 0: always a broadcast of their own.
         *
         * @param bytes the largest inline size, or 0
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder inlineWeightsBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("inline weights bytes must be >= 0, got " + bytes);
            }
            this.inlineWeightsBytes = bytes;
            return this;
        }

        /**
         * The engine factory with these settings.
         *
         * @return a factory to pass to {@code TrainingRun.Builder.engine}
         */
        public SparkTraining build() {
            return new SparkTraining(this);
        }
    }
}
