package dev.nabla.spark;

import org.apache.spark.sql.SparkSession;

/** Local Spark sessions for the tests: no UI, loopback only, few shuffle partitions. */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession start(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("nabla-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate();
    }
}
