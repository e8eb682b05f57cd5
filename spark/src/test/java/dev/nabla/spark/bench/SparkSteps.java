package dev.nabla.spark.bench;

import dev.nabla.data.Dataset;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.spark.SparkTraining;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.EpochReport;
import dev.nabla.train.TrainingRun;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;

/**
 * Seconds per epoch and per step of one configuration, on one machine or on a local Spark master:
 * {@code SparkSteps MASTER|none MODE K BACKEND DTYPE LAYERS ROWS BATCH EPOCHS [THREADS]}.
 */
public final class SparkSteps {
    public static void main(String[] a) throws Exception {
        String master = a[0];
        SparkTraining.Mode mode = SparkTraining.Mode.parse(a[1]);
        int k = Integer.parseInt(a[2]);
        String backendId = a[3];
        DType dtype = DType.parse(a[4]);
        int[] layers = LayerSizes.parse(a[5]);
        int rows = Integer.parseInt(a[6]);
        int batch = Integer.parseInt(a[7]);
        int epochs = Integer.parseInt(a[8]);
        int threads = a.length > 9 ? Integer.parseInt(a[9]) : 0;
        Dataset data = SyntheticTeacher.generate(1, rows, layers[0], 7, layers[layers.length - 1]).as(dtype);
        SparkSession spark = master.equals("none") ? null : SparkSession.builder().master(master).appName("steps")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        SparkTraining engine = spark == null ? null : SparkTraining.on(spark).mode(mode).averageSteps(k)
                .backend(backendId).threads(threads).build();
        try (Backend backend = Backends.installed().create(backendId, BackendOptions.defaults().withThreads(threads));
             Network net = Network.builder().layers(layers).dtype(dtype).loss(Loss.MSE).build(backend)) {
            TrainingRun.Builder run = TrainingRun.builder().learningRate(0.5).batchSize(batch).epochs(epochs);
            if (engine != null) {
                run.engine(engine);
            }
            int steps = (rows + batch - 1) / batch;
            for (EpochReport r : run.build().fit(net, data).epochs()) {
                System.out.printf(Locale.ROOT, "%s %s%s %s %s %s batch %d: epoch %d %.3f s, %.0f samples/s, %.3f ms/step%n",
                        master, engine == null ? "one-machine" : mode, engine != null && mode == SparkTraining.Mode.AVERAGE
                                ? " K=" + k : "", backendId, dtype, LayerSizes.format(layers), batch, r.epoch(),
                        r.seconds(), r.samplesPerSecond(), 1e3 * r.seconds() / steps);
            }
            if (engine != null) {
                System.out.println("  " + engine.lastRun());
            }
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
    }
}
