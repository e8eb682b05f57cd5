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
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The partition-ordered tree sum, and sync mode through one and two levels of it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TreeSumTest {
    private SparkSession spark;

    @BeforeAll
    void start() {
        spark = LocalSpark.start("local[2]");
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @Test
    void sumsInKeyOrderWhateverTheArrivalOrder() {
        double[] a = {1e16, 1};
        double[] b = {-1e16, 1};
        double[] c = {1, 1};
        List<Tuple2<Integer, double[]>> forward = new ArrayList<>(List.of(new Tuple2<>(0, a), new Tuple2<>(1, b),
                new Tuple2<>(2, c), new Tuple2<>(3, TreeSum.NOTHING)));
        List<Tuple2<Integer, double[]>> backward = new ArrayList<>(List.of(new Tuple2<>(3, TreeSum.NOTHING),
                new Tuple2<>(2, c), new Tuple2<>(1, b), new Tuple2<>(0, a)));
        double[] x = TreeSum.inOrder(forward);
        double[] y = TreeSum.inOrder(backward);
        assertArrayEquals(x, y);
        assertEquals(1.0, x[0], "(1e16 + -1e16) + 1, not (1 + -1e16) + 1e16");
        assertEquals(0, TreeSum.inOrder(new ArrayList<>()).length);
    }

    /** 16 partitions at depth 2: 16 partial sums, regrouped into 4 on the executors, then the driver. */
    @Test
    void syncModeThroughTwoLevelsAgreesWithOneMachine() {
        int[] sizes = {6, 12, 3};
        Dataset data = SyntheticTeacher.generate(11, 1003, 6, 5, 3).as(DType.FLOAT64);
        TrainingSettings settings = TrainingSettings.builder().learningRate(1.5).batchSize(100).epochs(2).seed(7).build();
        Runs.Outcome local = Runs.train("reference", DType.FLOAT64, Loss.BCE, sizes, 3, settings, data, null);
        for (int depth : new int[] {1, 2}) {
            SparkTraining engine = SparkTraining.on(spark).backend("reference").partitions(16).aggregationDepth(depth)
                    .build();
            Runs.Outcome onSpark = Runs.train("reference", DType.FLOAT64, Loss.BCE, sizes, 3, settings, data, engine);
            double rel = Runs.relativeDifference(local.parameters(), onSpark.parameters());
            System.out.printf("16 partitions, depth %d: max relative difference %.3g (%s)%n", depth, rel,
                    engine.lastRun());
            assertTrue(rel < 1e-12, "depth " + depth + ": relative difference " + rel);
        }
    }
}
