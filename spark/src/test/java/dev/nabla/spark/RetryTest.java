package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.TrainingSettings;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task that fails halfway on its first attempt is retried by Spark ({@code local[2,4]} allows 4
 * failures per task) and the run ends with the same weights, bit for bit, as a run without the
 * failure; and the executors keep their rows and workers across steps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetryTest {
    private static final int[] SIZES = {6, 12, 3};
    private final Dataset data = SyntheticTeacher.generate(11, 1003, 6, 5, 3).as(DType.FLOAT64);
    private final TrainingSettings settings = TrainingSettings.builder().learningRate(1.5).momentum(0.9).batchSize(100)
            .epochs(2).seed(7).build();
    private SparkSession spark;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("local[2,4]");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @AfterEach
    void clearHook() {
        TaskHooks.hook = null;
    }

    private Runs.Outcome run(SparkTraining engine) {
        return Runs.train("reference", DType.FLOAT64, Loss.MSE, SIZES, 3, settings, data, engine);
    }

    private void assertRetryChangesNothing(SparkTraining.Builder engine, long failingStep, int failingPartition) {
        Runs.Outcome clean = run(engine.build());
        AtomicInteger failures = new AtomicInteger();
        TaskHooks.hook = (step, partition, attempt) -> {
            if (step == failingStep && partition == failingPartition && attempt == 0) {
                failures.incrementAndGet();
                throw new IllegalStateException("injected failure of step " + step + ", partition " + partition);
            }
        };
        Runs.Outcome retried = run(engine.build());
        assertEquals(1, failures.get(), "the injected failure happened once");
        assertEquals(clean.parameters(), retried.parameters(), "bit for bit");
        for (int e = 0; e < settings.epochs(); e++) {
            assertEquals(clean.result().epochs().get(e).loss(), retried.result().epochs().get(e).loss());
        }
    }

    @Test
    void syncStepRetriedGivesTheSameWeights() {
        assertRetryChangesNothing(SparkTraining.on(spark).backend("reference").partitions(2), 5, 1);
    }

    /** Five partitions: the retried task finishes last, which would reorder an arrival-order sum. */
    @Test
    void syncStepRetriedWithFivePartitionsGivesTheSameWeights() {
        assertRetryChangesNothing(SparkTraining.on(spark).backend("reference").partitions(5), 7, 0);
    }

    /** Sixteen partitions: the sums go through an intermediate level (a shuffle) on the executors. */
    @Test
    void syncStepRetriedThroughATwoLevelTreeGivesTheSameWeights() {
        assertRetryChangesNothing(SparkTraining.on(spark).backend("reference").partitions(16).aggregationDepth(2), 3, 9);
    }

    @Test
    void averageRoundRetriedGivesTheSameWeights() {
        assertRetryChangesNothing(SparkTraining.on(spark).backend("reference").partitions(2)
                .mode(SparkTraining.Mode.AVERAGE).averageSteps(4), 2, 0);
    }

    @Test
    void executorsKeepTheirRowsAndWorkersAcrossSteps() {
        int shardsBefore = Shard.BUILT.get();
        int workersBefore = Workers.CREATED.get();
        SparkTraining engine = SparkTraining.on(spark).backend("reference").partitions(2).build();
        run(engine);
        assertEquals(2 * 11, engine.lastRun().steps());
        assertEquals(2, Shard.BUILT.get() - shardsBefore, "each partition's rows placed once for 22 steps");
        int workers = Workers.CREATED.get() - workersBefore;
        assertTrue(workers <= 2, workers + " workers (backends) created for 22 steps on 2 task slots");
    }
}
