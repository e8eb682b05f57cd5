package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.TrainingSettings;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML Estimator/Model pair on local[2]. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EstimatorTest {
    private static final int INPUTS = 4;
    private static final int CLASSES = 3;
    private SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("local[2]");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    /** Random points in [0, 1]^4 labelled by the largest of three fixed linear scores. */
    private static double[][] points(long seed, int rows) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[rows][INPUTS];
        for (double[] row : x) {
            for (int i = 0; i < INPUTS; i++) {
                row[i] = random.nextDouble();
            }
        }
        return x;
    }

    private static int label(double[] x) {
        double[] score = {x[0] + x[1] - x[2], x[2] + x[3] - x[0], 0.5 + x[1] - x[3]};
        int best = 0;
        for (int k = 1; k < CLASSES; k++) {
            if (score[k] > score[best]) {
                best = k;
            }
        }
        return best;
    }

    /** A DataFrame in one of the label forms: "index" (int), "onehot" (Vector), "array" (array<double>). */
    private org.apache.spark.sql.Dataset<Row> frame(double[][] x, String labelForm, boolean vectorFeatures) {
        StructType schema = new StructType()
                .add("features", vectorFeatures ? SQLDataTypes.VectorType()
                        : DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", switch (labelForm) {
                    case "index" -> DataTypes.IntegerType;
                    case "onehot" -> SQLDataTypes.VectorType();
                    default -> DataTypes.createArrayType(DataTypes.DoubleType, false);
                }, false);
        List<Row> rows = new ArrayList<>();
        for (double[] p : x) {
            int c = label(p);
            double[] onehot = new double[CLASSES];
            onehot[c] = 1;
            Object features;
            if (vectorFeatures) {
                features = Vectors.dense(p);
            } else {
                List<Float> f = new ArrayList<>();
                for (double v : p) {
                    f.add((float) v);
                }
                features = f;
            }
            Object label = switch (labelForm) {
                case "index" -> c;
                case "onehot" -> Vectors.dense(onehot);
                default -> Arrays.stream(onehot).boxed().toList();
            };
            rows.add(RowFactory.create(features, label));
        }
        return spark.createDataFrame(rows, schema);
    }

    private static double accuracy(org.apache.spark.sql.Dataset<Row> scored) {
        List<Row> rows = scored.select("features", "prediction").collectAsList();
        int right = 0;
        for (Row r : rows) {
            Object f = r.get(0);
            double[] x = f instanceof Vector v ? v.toArray()
                    : r.<Float>getList(0).stream().mapToDouble(Float::doubleValue).toArray();
            if (label(x) == (int) r.getDouble(1)) {
                right++;
            }
        }
        return (double) right / rows.size();
    }

    /** Class indices, one-hot vectors and target arrays (with Vector or array<float> features) read the same. */
    @Test
    void everyLabelFormGivesTheSameRows() {
        double[][] x = points(1, 200);
        Dataset index = Columns.collect(frame(x, "index", true), "features", "label", INPUTS, CLASSES, DType.FLOAT32);
        Dataset onehot = Columns.collect(frame(x, "onehot", true), "features", "label", INPUTS, CLASSES, DType.FLOAT32);
        Dataset array = Columns.collect(frame(x, "array", false), "features", "label", INPUTS, CLASSES, DType.FLOAT32);
        assertTrue(index.contentEquals(onehot));
        assertTrue(index.contentEquals(array));
        assertEquals(200, index.rows());
        assertTrue(index.isOneHot());
    }

    @Test
    void learnsAClassificationAndPredictsIt() {
        double[][] train = points(1, 3000);
        double[][] test = points(2, 1000);
        NablaEstimator estimator = new NablaEstimator().setLayers(INPUTS, 16, CLASSES).setLoss("bce")
                .setLearningRate(4.0).setBatchSize(100).setEpochs(12).setSeed(3).setBackend("cpu")
                .setValidationFraction(0.1);
        NablaModel model = estimator.fit(frame(train, "index", true));
        double acc = accuracy(model.transform(frame(test, "index", true)));
        System.out.printf("test accuracy %.3f, loss %.4f -> %.4f, validation accuracy %.3f%n", acc,
                model.history().get(0).loss(), model.history().get(model.history().size() - 1).loss(),
                model.history().get(model.history().size() - 1).validation().accuracy());
        assertEquals(12, model.history().size());
        assertTrue(acc > 0.9, "accuracy " + acc);
    }

    /** fit() is TrainingRun with the Spark engine: float64 sync equals one machine on the same rows. */
    @Test
    void fitIsTheOneMachineRunOnTheSameRows() {
        double[][] x = points(4, 500);
        org.apache.spark.sql.Dataset<Row> df = frame(x, "index", true);
        NablaEstimator estimator = new NablaEstimator().setLayers(INPUTS, 7, CLASSES).setLoss("mse").setDtype("float64")
                .setLearningRate(1.0).setMomentum(0.5).setBatchSize(20).setEpochs(3).setSeed(9).setBackend("reference");
        NablaModel model = estimator.fit(df);
        double[][] y = new double[x.length][CLASSES];
        for (int r = 0; r < x.length; r++) {
            y[r][label(x[r])] = 1;
        }
        TrainingSettings settings = estimator.settings();
        assertEquals(1.0, settings.learningRate());
        Runs.Outcome local = Runs.train("reference", DType.FLOAT64, Loss.MSE, new int[] {INPUTS, 7, CLASSES}, 9,
                settings, Dataset.of(x, y), null);
        double rel = Runs.relativeDifference(local.parameters(), model.parameters());
        assertTrue(rel < 1e-12, "relative difference " + rel);
    }

    @Test
    void savesAndLoadsWithSparkMlsWriterHoldingANablaModelFile() throws Exception {
        double[][] x = points(5, 400);
        org.apache.spark.sql.Dataset<Row> df = frame(x, "index", true);
        NablaEstimator estimator = new NablaEstimator().setLayers(INPUTS, 5, CLASSES).setEpochs(2).setBatchSize(16)
                .setBackend("reference").setPredictionCol("cls");
        NablaModel model = estimator.fit(df);
        String path = dir.resolve("model").toString();
        model.write().overwrite().save(path);
        NablaModel loaded = NablaModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        assertEquals(model.parameters(), loaded.parameters());
        assertEquals("cls", loaded.getOrDefault(loaded.predictionCol()));
        List<Row> a = model.transform(df).select("outputs", "cls").collectAsList();
        List<Row> b = loaded.transform(df).select("outputs", "cls").collectAsList();
        assertEquals(a, b);
        // The data file is a plain Nabla model file (what `nabla eval --model` opens).
        ModelFile.Model file = ModelFile.read(dir.resolve("model").resolve(NablaModel.DATA_FILE));
        assertEquals(model.parameters(), file.parameters());
        assertArrayEquals(new int[] {INPUTS, 5, CLASSES}, file.parameters().sizes());

        // The estimator's params, and the estimator in a pipeline.
        String estimatorPath = dir.resolve("estimator").toString();
        estimator.write().overwrite().save(estimatorPath);
        NablaEstimator again = NablaEstimator.load(estimatorPath);
        assertArrayEquals(new int[] {INPUTS, 5, CLASSES}, again.getOrDefault(again.layers()));
        assertEquals("cls", again.getOrDefault(again.predictionCol()));
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {estimator}).fit(df);
        String pipelinePath = dir.resolve("pipeline").toString();
        pipeline.write().overwrite().save(pipelinePath);
        PipelineModel reloaded = PipelineModel.load(pipelinePath);
        Parameters p = ((NablaModel) reloaded.stages()[0]).parameters();
        assertEquals(((NablaModel) pipeline.stages()[0]).parameters(), p);
    }

    @Test
    void badColumnsAndLabelsAreClearErrors() {
        double[][] x = points(6, 50);
        NablaEstimator noLayers = new NablaEstimator();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> noLayers.fit(frame(x, "index", true)));
        assertTrue(e.getMessage().contains("setLayers"), e.getMessage());

        NablaEstimator wrongInputs = new NablaEstimator().setLayers(5, 4, CLASSES).setEpochs(1).setBackend("reference");
        Exception e2 = assertThrows(Exception.class, () -> wrongInputs.fit(frame(x, "index", true)));
        assertTrue(rootMessage(e2).contains("4 features") && rootMessage(e2).contains("takes 5"), rootMessage(e2));

        NablaEstimator twoClasses = new NablaEstimator().setLayers(INPUTS, 4, 2).setEpochs(1).setBackend("reference");
        Exception e3 = assertThrows(Exception.class, () -> twoClasses.fit(frame(x, "index", true)));
        assertTrue(rootMessage(e3).contains("not a class index in 0..1"), rootMessage(e3));

        NablaEstimator wrongColumn = new NablaEstimator().setLayers(INPUTS, 4, CLASSES).setFeaturesCol("pixels");
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> wrongColumn.fit(frame(x, "index", true)));
        assertTrue(e4.getMessage().contains("'pixels' is not in the data"), e4.getMessage());
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }
}
