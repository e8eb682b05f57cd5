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

/** {@code average} mode on {@code local[2]}: K local steps, then weights and momentum averaged. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AverageModeTest {
    private SparkSession spark;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("local[2]");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    /**
     * With K = 1 each partition takes one step on its share of the global batch and the row-weighted
     * average of the results is the global step: one machine's algorithm, momentum included.
     */
    @Test
    void oneLocalStepPerAverageIsTheOneMachineStep() {
        int[] sizes = {6, 12, 3};
        Dataset data = SyntheticTeacher.generate(11, 1003, 6, 5, 3).as(DType.FLOAT64);
        TrainingSettings settings = TrainingSettings.builder().learningRate(1.5).momentum(0.9).batchSize(50).epochs(3)
                .seed(7).build();
        Runs.Outcome local = Runs.train("reference", DType.FLOAT64, Loss.MSE, sizes, 3, settings, data, null);
        SparkTraining engine = SparkTraining.on(spark).mode(SparkTraining.Mode.AVERAGE).averageSteps(1)
                .backend("reference").partitions(2).build();
        Runs.Outcome avg = Runs.train("reference", DType.FLOAT64, Loss.MSE, sizes, 3, settings, data, engine);
        double rel = Runs.relativeDifference(local.parameters(), avg.parameters());
        System.out.printf("average K=1 vs one machine: max relative difference %.3g%n", rel);
        assertTrue(rel < 1e-12, "relative difference " + rel);
    }

    /**
     * With K = 8 local steps between averages (8x fewer Spark jobs), float32 on the cpu backend, the
     * training loss after 10 epochs is within 25% of one machine's (measured: within a few %), and
     * both fall by more than 5x from their first epoch.
     */
    @Test
    void eightLocalStepsPerAverageConvergesNearOneMachine() {
        int[] sizes = {8, 16, 4};
        Dataset data = SyntheticTeacher.generate(21, 4000, 8, 6, 4);
        for (double momentum : new double[] {0, 0.5}) {
            TrainingSettings settings = TrainingSettings.builder().learningRate(2.0).momentum(momentum).batchSize(32)
                    .epochs(10).seed(5).build();
            Runs.Outcome local = Runs.train("cpu", DType.FLOAT32, Loss.MSE, sizes, 9, settings, data, null);
            SparkTraining engine = SparkTraining.on(spark).mode(SparkTraining.Mode.AVERAGE).averageSteps(8)
                    .backend("cpu").partitions(2).build();
            Runs.Outcome avg = Runs.train("cpu", DType.FLOAT32, Loss.MSE, sizes, 9, settings, data, engine);
            double localFirst = local.result().epochs().get(0).loss();
            double localLast = local.result().last().loss();
            double avgFirst = avg.result().epochs().get(0).loss();
            double avgLast = avg.result().last().loss();
            System.out.printf("momentum %s: one machine loss %.6f -> %.6f; average K=8 %.6f -> %.6f (%s)%n", momentum,
                    localFirst, localLast, avgFirst, avgLast, engine.lastRun());
            assertEquals(10, avg.result().epochsDone());
            int steps = 10 * 125;
            assertEquals(steps, engine.lastRun().steps());
            assertEquals(10 * 16, engine.lastRun().jobs(), "125 steps per epoch in rounds of 8: 16 jobs per epoch");
            assertTrue(localLast < localFirst / 5, "one machine learns");
            assertTrue(avgLast < avgFirst / 5, "average mode learns");
            assertTrue(avgLast < 1.25 * localLast, "average mode's final loss " + avgLast
                    + " within 25% of one machine's " + localLast);
        }
    }
}
