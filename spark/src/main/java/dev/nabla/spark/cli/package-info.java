/**
 * The spark runs of {@code nabla train --spark}: {@link dev.nabla.spark.cli.SparkCliProvider}
 * implements the command line's {@code SparkEngineProvider} (found through {@code ServiceLoader}), so
 * the command line itself carries no Spark code.
 */
package dev.nabla.spark.cli;
