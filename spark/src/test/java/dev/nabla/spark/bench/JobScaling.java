package dev.nabla.spark.bench;

import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The floor under a sync step: wall time of a one-stage job over a cached RDD of P partitions whose
 * tasks do nothing and return {@code resultBytes} (as the engine's jobs do, through
 * SparkContext.runJob with named classes), for P = 1 .. 128: {@code JobScaling MASTER JOBS RESULT_BYTES}.
 */
public final class JobScaling {
    static final class Task extends AbstractFunction2<TaskContext, scala.collection.Iterator<Integer>, double[]>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int length;

        Task(int length) {
            this.length = length;
        }

        @Override
        public double[] apply(TaskContext context, scala.collection.Iterator<Integer> it) {
            return new double[length];
        }
    }

    static final class Drop extends AbstractFunction2<Object, double[], BoxedUnit> {
        @Override
        public BoxedUnit apply(Object index, double[] value) {
            return BoxedUnit.UNIT;
        }
    }

    public static void main(String[] a) {
        String master = a[0];
        int jobs = Integer.parseInt(a[1]);
        int length = Integer.parseInt(a[2]) / 8;
        SparkSession spark = SparkSession.builder().master(master).appName("job-scaling").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SparkContext sc = spark.sparkContext();
        for (int round = 0; round < 2; round++) {
            for (int p : new int[] {1, 2, 4, 8, 16, 32, 64, 128}) {
                List<Integer> ids = new ArrayList<>();
                for (int i = 0; i < p; i++) {
                    ids.add(i);
                }
                JavaRDD<Integer> rdd = jsc.parallelize(ids, p).persist(StorageLevel.MEMORY_ONLY());
                rdd.count();
                long t0 = System.nanoTime();
                for (int j = 0; j < jobs; j++) {
                    sc.runJob(rdd.rdd(), new Task(length), new Drop(), ClassTag$.MODULE$.apply(double[].class));
                }
                double ms = (System.nanoTime() - t0) / 1e6 / jobs;
                if (round == 1) {
                    System.out.printf(Locale.ROOT, "RESULT %s, %d partitions, %d KB per result: %.2f ms/job%n", master, p,
                            8L * length / 1024, ms);
                }
                rdd.unpersist(true);
            }
        }
        spark.stop();
    }
}
