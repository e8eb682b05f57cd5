package dev.nabla.spark.bench;

import dev.nabla.data.Dataset;
import dev.nabla.data.IdxLoader;
import dev.nabla.nn.Network;
import dev.nabla.spark.SparkTraining;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.Loss;
import dev.nabla.train.EpochReport;
import dev.nabla.train.TrainingResult;
import dev.nabla.train.TrainingRun;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Nabla (one machine, or on Spark) against Spark MLlib's MultilayerPerceptronClassifier on
 * MNIST-shaped digits, 784-128-10:
 * <pre>
 * MnistBench nabla MASTER|none sync|average K BATCH EPOCHS THREADS LR DIGITS_DIR
 * MnistBench mllib MASTER MAXITER[,MAXITER...] DIGITS_DIR
 * </pre>
 * The nabla lines give each epoch's training seconds (validation excluded), the running total and
 * the test accuracy; the mllib lines give each fit's wall seconds and test accuracy.
 */
public final class MnistBench {
    public static void main(String[] a) throws Exception {
        if (a[0].equals("nabla")) {
            nabla(a[1], SparkTraining.Mode.parse(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]),
                    Integer.parseInt(a[5]), Integer.parseInt(a[6]), Double.parseDouble(a[7]), Path.of(a[8]));
        } else {
            mllib(a[1], a[2], Path.of(a[3]));
        }
    }

    private static SparkSession spark(String master) {
        return SparkSession.builder().master(master).appName("mnist-bench").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    static void nabla(String master, SparkTraining.Mode mode, int k, int batch, int epochs, int threads, double lr,
                      Path dir) throws Exception {
        Dataset train = IdxLoader.load(dir, IdxLoader.Split.TRAIN, 10);
        Dataset test = IdxLoader.load(dir, IdxLoader.Split.TEST, 10);
        SparkSession spark = master.equals("none") ? null : spark(master);
        SparkTraining engine = spark == null ? null : SparkTraining.on(spark).mode(mode).averageSteps(k)
                .backend("cpu").threads(threads).build();
        String what = engine == null ? "one-machine cpu " + threads + "t"
                : master + " " + mode + (mode == SparkTraining.Mode.AVERAGE ? " K=" + k : "") + " cpu "
                + (threads == 0 ? "1" : threads) + "t/task";
        try (Backend backend = Backends.installed().create("cpu", BackendOptions.defaults().withThreads(threads));
             Network net = Network.builder().layers(784, 128, 10).loss(Loss.BCE).seed(7).build(backend)) {
            TrainingRun.Builder run = TrainingRun.builder().learningRate(lr).batchSize(batch).epochs(epochs).seed(7)
                    .validation(test);
            if (engine != null) {
                run.engine(engine);
                // Per epoch: the Spark stats of that epoch alone (the run's totals include the first
                // epoch's JIT warm-up).
                dev.nabla.spark.SparkRunStats[] previous = new dev.nabla.spark.SparkRunStats[1];
                run.onEpochEnd(r -> {
                    dev.nabla.spark.SparkRunStats now = engine.lastRun();
                    dev.nabla.spark.SparkRunStats before = previous[0];
                    previous[0] = now;
                    long jobs = now.jobs() - (before == null ? 0 : before.jobs());
                    double job = now.jobSeconds() - (before == null ? 0 : before.jobSeconds());
                    double task = now.taskSeconds() - (before == null ? 0 : before.taskSeconds());
                    double driver = now.driverSeconds() - (before == null ? 0 : before.driverSeconds());
                    System.out.printf(Locale.ROOT, "RESULT   epoch %d: %d jobs, %.2f ms/job wall, tasks' own work %.2f ms/job "
                                    + "(all partitions added), driver %.2f ms/job%n", r.epoch(), jobs, 1e3 * job / jobs,
                            1e3 * task / jobs, 1e3 * driver / jobs);
                });
            }
            long t0 = System.nanoTime();
            TrainingResult result = run.build().fit(net, train);
            double wall = (System.nanoTime() - t0) / 1e9;
            double total = 0;
            int steps = (train.rows() + batch - 1) / batch;
            for (EpochReport r : result.epochs()) {
                total += r.seconds();
                System.out.printf(Locale.ROOT, "RESULT nabla %s batch %d: epoch %d %.2f s (%.0f samples/s, %.2f ms/step), "
                                + "cumulative %.2f s, loss %.4f, test accuracy %.2f%%%n", what, batch, r.epoch(),
                        r.seconds(), r.samplesPerSecond(), 1e3 * r.seconds() / steps, total, r.loss(),
                        100 * r.validation().accuracy());
            }
            System.out.printf(Locale.ROOT, "RESULT nabla %s batch %d: fit wall %.2f s (training %.2f s; the rest is placing "
                    + "the rows and evaluating the test set after each epoch)%n", what, batch, wall, total);
            if (engine != null) {
                System.out.println("RESULT   " + engine.lastRun());
            }
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    /** An IDX split as (features: Vector, label: double class index). */
    static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset d) {
        List<Row> rows = new ArrayList<>(d.rows());
        for (int r = 0; r < d.rows(); r++) {
            double[] x = new double[d.inputs()];
            for (int i = 0; i < x.length; i++) {
                x[i] = d.feature(r, i);
            }
            int label = 0;
            for (int o = 0; o < d.outputs(); o++) {
                if (d.target(r, o) == 1) {
                    label = o;
                }
            }
            rows.add(RowFactory.create(Vectors.dense(x), (double) label));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(rows, schema);
    }

    static void mllib(String master, String maxIters, Path dir) throws Exception {
        SparkSession spark = spark(master);
        try {
            int partitions = spark.sparkContext().defaultParallelism();
            org.apache.spark.sql.Dataset<Row> train = frame(spark, IdxLoader.load(dir, IdxLoader.Split.TRAIN, 10))
                    .repartition(partitions).persist(StorageLevel.MEMORY_ONLY());
            org.apache.spark.sql.Dataset<Row> test = frame(spark, IdxLoader.load(dir, IdxLoader.Split.TEST, 10))
                    .repartition(partitions).persist(StorageLevel.MEMORY_ONLY());
            train.count();
            test.count();
            MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
            for (String n : maxIters.split(",")) {
                int maxIter = Integer.parseInt(n);
                MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setLayers(new int[] {784, 128, 10})
                        .setMaxIter(maxIter).setSeed(7).setBlockSize(128).setTol(0);
                long t0 = System.nanoTime();
                MultilayerPerceptronClassificationModel model = mlp.fit(train);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double acc = accuracy.evaluate(model.transform(test));
                System.out.printf(Locale.ROOT, "RESULT mllib MLP l-bfgs %s maxIter %d: fit %.2f s, iterations %d, "
                                + "final loss %.4f, test accuracy %.2f%%%n", master, maxIter, seconds,
                        model.summary().totalIterations(), model.summary().objectiveHistory()[model.summary()
                                .objectiveHistory().length - 1], 100 * acc);
            }
        } finally {
            spark.stop();
        }
    }
}
