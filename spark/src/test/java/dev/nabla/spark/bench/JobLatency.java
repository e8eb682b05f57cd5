package dev.nabla.spark.bench;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.util.List;

/** Latency of a trivial Spark job (and of a broadcast) on a local master: the floor under a sync step. */
public final class JobLatency {
    public static void main(String[] args) {
        String master = args.length > 0 ? args[0] : "local[2]";
        int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        SparkSession spark = SparkSession.builder().master(master).appName("latency")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parts = sc.defaultParallelism();
        JavaRDD<Integer> rdd = sc.parallelize(List.of(0, 1, 2, 3).subList(0, Math.min(4, parts)), parts)
                .persist(StorageLevel.MEMORY_ONLY());
        rdd.count();
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                rdd.map(x -> x + 1).collect();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                Broadcast<double[]> b = sc.broadcast(new double[101_770]);
                int k = i;
                rdd.map(x -> x + (int) b.value()[k % 10]).collect();
                b.destroy();
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < jobs; i++) {
                Broadcast<double[]> b = sc.broadcast(new double[101_770]);
                b.destroy();
            }
            long t3 = System.nanoTime();
            System.out.printf("%s, %d partitions: empty job %.2f ms; job reading an 814 KB broadcast %.2f ms; "
                            + "broadcast+destroy alone %.2f ms%n", master, parts, (t1 - t0) / 1e6 / jobs,
                    (t2 - t1) / 1e6 / jobs, (t3 - t2) / 1e6 / jobs);
        }
        spark.stop();
    }
}
