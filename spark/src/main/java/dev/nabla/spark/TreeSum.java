package dev.nabla.spark;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * Sums one vector per partition, shaped like Spark's {@code RDD.treeAggregate}: one job; with many
 * partitions, intermediate levels on the executors (a shuffle each) by the same rule as
 * treeAggregate's {@code depth}, so the driver receives about {@code partitions^(1/depth)} vectors
 * instead of one per partition.
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
        JavaRDD<Tuple2<Integer, double[]>> values = shards.mapPartitionsWithIndex((i, it) -> {
            List<Tuple2<Integer, double[]>> out = new ArrayList<>(1);
            while (it.hasNext()) {
                out.add(new Tuple2<>(i, f.apply(it.next())));
            }
            return out.iterator();
        }, true);
        JavaPairRDD<Integer, double[]> level = JavaPairRDD.fromJavaRDD(values);
        int n = shards.getNumPartitions();
        int scale = Math.max((int) Math.ceil(Math.pow(n, 1.0 / Math.max(1, depth))), 2);
        while (depth > 1 && n > scale + (int) Math.ceil((double) n / scale)) {
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
        double[] total = inOrder(new ArrayList<>(level.collect()));
        return total.length == 0 ? new double[length] : total;
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
