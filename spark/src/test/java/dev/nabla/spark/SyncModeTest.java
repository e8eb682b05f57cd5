package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.TrainingSettings;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sync} mode on {@code local[2]} is one machine's algorithm: in float64, after several
 * epochs, the weights agree with a one-machine TrainingRun to ~1e-12 relative (only the order of
 * the sums differs).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncModeTest {
    private static final int[] SIZES = {6, 12, 3};
    private final Dataset data = SyntheticTeacher.generate(11, 1003, 6, 5, 3).as(DType.FLOAT64);
    private SparkSession spark;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("local[2]");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private static TrainingSettings settings(double momentum) {
        return TrainingSettings.builder().learningRate(1.5).momentum(momentum).batchSize(50).epochs(4).seed(7).build();
    }

    @Test
    void float64WeightsAgreeWithOneMachineAfterFourEpochs() {
        for (double momentum : new double[] {0, 0.9}) {
            Runs.Outcome local = Runs.train("reference", DType.FLOAT64, Loss.MSE, SIZES, 3, settings(momentum), data, null);
            SparkTraining engine = SparkTraining.on(spark).backend("reference").partitions(2).build();
            Runs.Outcome onSpark = Runs.train("reference", DType.FLOAT64, Loss.MSE, SIZES, 3, settings(momentum), data, engine);
            double rel = Runs.relativeDifference(local.parameters(), onSpark.parameters());
            System.out.printf("sync vs one machine, momentum %s: max relative difference %.3g (%s)%n", momentum, rel,
                    engine.lastRun());
            assertTrue(rel < 1e-12, "relative difference " + rel);
            assertEquals(4, onSpark.result().epochsDone());
            // 1003 rows in batches of 50: 21 steps per epoch, the last of 3 rows, one job each.
            assertEquals(4 * 21, engine.lastRun().steps());
            assertEquals(4 * 21, engine.lastRun().jobs());
            for (int e = 0; e < 4; e++) {
                double a = local.result().epochs().get(e).loss();
                double b = onSpark.result().epochs().get(e).loss();
                assertEquals(a, b, 1e-12 * Math.abs(a), "epoch " + (e + 1) + " loss");
            }
        }
    }
}
