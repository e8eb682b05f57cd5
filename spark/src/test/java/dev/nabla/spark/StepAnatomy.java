package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Network;
import dev.nabla.nn.Sgd;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.train.EpochOrder;
import dev.nabla.train.StepEngine;
import dev.nabla.train.TrainingSettings;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;

/**
 * Where a sync step's time goes on a local master, float32 on cpu:
 * {@code StepAnatomy MASTER STEPS INLINE_BYTES LAYERS BATCH ROWS}. Not a test.
 */
public final class StepAnatomy {
    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local[2]";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        long inline = args.length > 2 ? Long.parseLong(args[2]) : SparkTraining.DEFAULT_INLINE_WEIGHTS_BYTES;
        SparkSession spark = SparkSession.builder().master(master).appName("anatomy").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        int[] layers = args.length > 3 ? dev.nabla.nn.LayerSizes.parse(args[3]) : new int[] {8, 16, 4};
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int rows = args.length > 5 ? Integer.parseInt(args[5]) : 20000;
        Dataset data = SyntheticTeacher.generate(1, rows, layers[0], 7, layers[layers.length - 1]);
        TrainingSettings settings = TrainingSettings.builder().learningRate(1).batchSize(batch).epochs(1).build();
        try (Backend backend = Backends.create("cpu");
             Network net = Network.builder().layers(layers).build(backend);
             Sgd sgd = Sgd.withLearningRate(1)) {
            SparkTraining training = SparkTraining.on(spark).backend("cpu").inlineWeightsBytes(inline).build();
            SparkStepEngine engine = (SparkStepEngine) training.start(net, sgd, data, settings);
            int[] order = EpochOrder.shuffled(data.rows(), 1, 0);
            // A warm-up epoch, then the timed one with a control that records nothing.
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                StepEngine.EpochSteps done = engine.runEpoch(round, order, batch, new StepEngine.EpochControl() {
                    int n;

                    @Override
                    public boolean stopRequested() {
                        return n >= steps;
                    }

                    @Override
                    public void batchLoss(int batch, double loss) {
                    }

                    @Override
                    public void batchDone(int batch) {
                        n++;
                    }
                });
                double ms = (System.nanoTime() - t0) / 1e6 / done.batchesDone();
                System.out.printf(Locale.ROOT, "%s inline<=%d: %.2f ms/step over %d steps; %s%n", master, inline, ms, done.batchesDone(),
                        engine.stats());
            }
            engine.close();
        } finally {
            spark.stop();
        }
    }
}
