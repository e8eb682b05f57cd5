package dev.nabla.examples;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example runs as documented (synthetic data, local[2]) and learns. */
class SparkEstimatorExampleTest {
    @TempDir
    Path dir;

    @Test
    void trainsScoresSavesAndLoads() throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("example-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            double accuracy = SparkEstimatorExample.run(spark, null, dir.resolve("model").toString(), 8);
            assertTrue(accuracy > 0.85, "accuracy " + accuracy);
        } finally {
            spark.stop();
        }
    }
}
