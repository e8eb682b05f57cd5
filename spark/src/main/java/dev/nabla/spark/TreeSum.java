package dev.nabla.spark;

import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Sums one vector per partition, shaped like Spark's {@code RDD.treeAggregate}: one job; with many
 * partitions, intermediate levels on the executors (a shuffle each) by the same rule as
 * treeAggregate's {@code depth}, so the driver receives about {@code partitions^(1/depth)} vectors
 * instead of one per partition; with few, as treeAggregate, one level: every partition's vector
 * goes to the driver.
 *
 * <p>Unlike {@code treeAggregate}, which folds partial results in the order tasks happen to finish,
 * every sum here is taken in partition order. The result therefore does not depend on scheduling:
 * a run where a task failed and was retried, or ran late, gives the same bits as one where none
 * did.
 */
final class TreeSum {
    /** What a partition contributes: an empty array stands for zeros (a partition with no rows in the batch). */
    @FunctionalInterface
    interface PartitionValue extends Serializable {
        double[] apply(Shard shard) throws Exception;
    }

    static final double[] NOTHING = new double[0];

    private TreeSum() {
    }

    /** The sum over partitions of {@code f(shard)}, a vector of {@code length}. */
    static double[] sum(JavaRDD<Shard> shards, PartitionValue f, int depth, int length) {
        int n = shards.getNumPartitions();
        int scale = Math.max((int) Math.ceil(Math.pow(n, 1.0 / Math.max(1, depth))), 2);
        double[] total;
        if (depth <= 1 || n <= scale + (int) Math.ceil((double) n / scale)) {
            total = oneLevel(shards, f, n);
        } else {
            total = levels(shards, f, n, scale);
        }
        return total.length == 0 ? new double[length] : total;
    }

    /**
     * One level: a job straight over the cached rows, each partition's vector sent to the driver
     * with its index. Run through {@code SparkContext.runJob} with a named function class, which
     * spares Spark's closure cleaner (it reads and parses the class file of every lambda it is
     * given, each job) and the extra RDD a {@code mapPartitions} would add.
     */
    private static double[] oneLevel(JavaRDD<Shard> shards, PartitionValue f, int n) {
        List<Tuple2<Integer, double[]>> results = new ArrayList<>(n);
        shards.context().runJob(shards.rdd(), new PartitionJob(f), new Collect(results),
                ClassTag$.MODULE$.apply(double[].class));
        return inOrder(results);
    }

    /** Intermediate levels on the executors (a shuffle each, as treeAggregate), then the driver. */
    private static double[] levels(JavaRDD<Shard> shards, PartitionValue f, int n, int scale) {
        JavaPairRDD<Integer, double[]> level = JavaPairRDD.fromJavaRDD(shards.mapPartitionsWithIndex(new Keyed(f), true));
        while (n > scale + (int) Math.ceil((double) n / scale)) {
            n /= scale;
            int groups = n;
            level = level.mapToPair(t -> new Tuple2<>(t._1() % groups, t))
                    .groupByKey(new HashPartitioner(groups))
                    .mapToPair(g -> {
                        List<Tuple2<Integer, double[]>> parts = new ArrayList<>();
                        g._2().forEach(parts::add);
                        return new Tuple2<>(g._1(), inOrder(parts));
                    });
        }
        return inOrder(new ArrayList<>(level.collect()));
    }

    /** What a partition's task runs: f of its one shard. */
    private static final class PartitionJob extends AbstractFunction2<TaskContext, scala.collection.Iterator<Shard>, double[]>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PartitionValue f;

        PartitionJob(PartitionValue f) {
            this.f = f;
        }

        @Override
        public double[] apply(TaskContext context, scala.collection.Iterator<Shard> shards) {
            double[] out = NOTHING;
            while (shards.hasNext()) {
                try {
                    out = f.apply(shards.next());
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
    }

    /** On the driver: each partition's result as it arrives, with its index. */
    private static final class Collect extends AbstractFunction2<Object, double[], BoxedUnit> {
        private final List<Tuple2<Integer, double[]>> results;

        Collect(List<Tuple2<Integer, double[]>> results) {
            this.results = results;
        }

        @Override
        public BoxedUnit apply(Object index, double[] value) {
            synchronized (results) {
                results.add(new Tuple2<>((Integer) index, value));
            }
            return BoxedUnit.UNIT;
        }
    }

    /** The first level of the multi-level path: (partition, f(shard)). */
    private static final class Keyed
            implements org.apache.spark.api.java.function.Function2<Integer, Iterator<Shard>, Iterator<Tuple2<Integer, double[]>>> {
        private static final long serialVersionUID = 1L;
        private final PartitionValue f;

        Keyed(PartitionValue f) {
            this.f = f;
        }

        @Override
        public Iterator<Tuple2<Integer, double[]>> call(Integer partition, Iterator<Shard> it) throws Exception {
            List<Tuple2<Integer, double[]>> out = new ArrayList<>(1);
            while (it.hasNext()) {
                out.add(new Tuple2<>(partition, f.apply(it.next())));
            }
            return out.iterator();
        }
    }

    /** The sum of the vectors, taken in the order of their keys (empty ones skipped: they are zeros). */
    static double[] inOrder(List<Tuple2<Integer, double[]>> parts) {
        Collections.sort(parts, Comparator.comparing(Tuple2::_1));
        double[] sum = null;
        for (Tuple2<Integer, double[]> part : parts) {
            double[] v = part._2();
            if (v.length == 0) {
                continue;
            }
            if (sum == null) {
                sum = v.clone();
            } else {
                if (v.length != sum.length) {
                    throw new IllegalStateException("partial sums of " + sum.length + " and " + v.length + " values");
                }
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += v[k];
                }
            }
        }
        return sum == null ? NOTHING : sum;
    }
}
