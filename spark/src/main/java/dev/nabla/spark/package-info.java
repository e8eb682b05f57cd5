/**
 * Nabla's training on Apache Spark. {@link dev.nabla.spark.SparkTraining} is a
 * {@code StepEngine.Factory} for {@code TrainingRun} (sync gradient sums or parameter averaging over
 * the partitions); {@link dev.nabla.spark.NablaEstimator} and {@link dev.nabla.spark.NablaModel} are
 * the Spark ML Estimator/Model pair built on it. Spark itself is a provided dependency. The other
 * classes of this package are the executors' side (shards, workers, tasks, the partition-ordered tree
 * sum) and are package-private.
 */
package dev.nabla.spark;
