package dev.nabla.examples;

import dev.nabla.data.IdxLoader;
import dev.nabla.model.ModelFile;
import dev.nabla.spark.NablaEstimator;
import dev.nabla.spark.NablaModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Nabla's Spark ML Estimator: train on a DataFrame, score a test DataFrame, evaluate it with Spark
 * ML's own evaluator, save the model with Spark ML's writer and load it back.
 *
 * <pre>
 * SparkEstimatorExample [MASTER [DIGITS_DIR [MODEL_DIR [EPOCHS]]]]
 * </pre>
 *
 * MASTER defaults to local[2]; DIGITS_DIR holds MNIST-format IDX files (e.g. from
 * {@code ./nabla generate-digits --out DIR}), trained 784-128-10; without it a small synthetic
 * three-class set is used (4-16-3). The model is saved to MODEL_DIR (default: a temporary directory).
 */
public final class SparkEstimatorExample {
    private SparkEstimatorExample() {
    }

    public static void main(String[] args) throws IOException {
        String master = args.length > 0 ? args[0] : "local[2]";
        Path digits = args.length > 1 && !args[1].isEmpty() ? Path.of(args[1]) : null;
        String modelDir = args.length > 2 ? args[2] : Files.createTempDirectory("nabla-model").resolve("model").toString();
        int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        SparkSession spark = SparkSession.builder().master(master).appName("nabla-estimator-example").getOrCreate();
        try {
            run(spark, digits, modelDir, epochs);
        } finally {
            spark.stop();
        }
    }

    static double run(SparkSession spark, Path digits, String modelDir, int epochs) throws IOException {
        Dataset<Row> train = digits != null ? idx(spark, digits, IdxLoader.Split.TRAIN) : points(spark, 1, 4000);
        Dataset<Row> test = digits != null ? idx(spark, digits, IdxLoader.Split.TEST) : points(spark, 2, 1000);

        int[] layers = digits != null ? new int[] {784, 128, 10} : new int[] {4, 16, 3};
        double learningRate = digits != null ? 0.5 : 4.0;
        int batchSize = digits != null ? 256 : 100;

        // README: begin (README.md shows this part, word for word; SparkEstimatorExampleTest checks it)
        NablaEstimator estimator = new NablaEstimator()
                .setLayers(layers)           // inputs, hidden..., outputs: 784, 128, 10 for digits
                .setLoss("bce")
                .setLearningRate(learningRate)
                .setBatchSize(batchSize)     // rows per global mini-batch, all partitions together
                .setEpochs(epochs)
                .setMode("sync")             // or "average" with setAverageSteps(K)
                .setBackend("cpu")           // any Nabla backend id, on the executors
                .setFeaturesCol("features")  // Vector or array<float|double>
                .setLabelCol("label");       // class index, one-hot or target vector
        NablaModel model = estimator.fit(train);

        Dataset<Row> scored = model.transform(test); // adds "outputs" (Vector) and "prediction" (double)
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .setLabelCol("label").setPredictionCol("prediction").evaluate(scored);

        model.write().overwrite().save(modelDir);   // Spark ML metadata + data/model.safetensors
        NablaModel loaded = NablaModel.load(modelDir);
        // README: end

        model.history().forEach(e -> System.out.printf(Locale.ROOT, "epoch %d: loss %.5f, %.0f samples/s%n",
                e.epoch(), e.loss(), e.samplesPerSecond()));
        System.out.printf(Locale.ROOT, "test accuracy %.2f%%%n", 100 * accuracy);
        System.out.println("saved and loaded " + modelDir + ": layers "
                + java.util.Arrays.toString(loaded.layers()) + "; " + NablaModel.DATA_FILE + " is a Nabla model file ("
                + ModelFile.read(Path.of(modelDir, NablaModel.DATA_FILE)).parameters().count() + " parameters)");
        return accuracy;
    }

    /** An IDX split as (features: Vector of pixels in [0, 1], label: int). */
    static Dataset<Row> idx(SparkSession spark, Path dir, IdxLoader.Split split) throws IOException {
        dev.nabla.data.Dataset d = IdxLoader.load(dir, split, 10);
        List<Row> rows = new ArrayList<>(d.rows());
        for (int r = 0; r < d.rows(); r++) {
            double[] x = new double[d.inputs()];
            int label = 0;
            for (int i = 0; i < x.length; i++) {
                x[i] = d.feature(r, i);
            }
            for (int o = 0; o < d.outputs(); o++) {
                if (d.target(r, o) == 1) {
                    label = o;
                }
            }
            rows.add(RowFactory.create(Vectors.dense(x), label));
        }
        return spark.createDataFrame(rows, schema());
    }

    /** Random points in [0, 1]^4, labelled by the largest of three linear scores. */
    static Dataset<Row> points(SparkSession spark, long seed, int n) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<Row> rows = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            double[] x = {random.nextDouble(), random.nextDouble(), random.nextDouble(), random.nextDouble()};
            double[] score = {x[0] + x[1] - x[2], x[2] + x[3] - x[0], 0.5 + x[1] - x[3]};
            int label = score[0] >= score[1] && score[0] >= score[2] ? 0 : score[1] >= score[2] ? 1 : 2;
            rows.add(RowFactory.create(Vectors.dense(x), label));
        }
        return spark.createDataFrame(rows, schema());
    }

    private static StructType schema() {
        return new StructType().add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.IntegerType, false);
    }
}
