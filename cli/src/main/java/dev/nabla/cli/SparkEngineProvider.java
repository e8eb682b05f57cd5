package dev.nabla.cli;

import dev.nabla.train.StepEngine;

import java.util.Map;

/**
 * Runs the steps of {@code nabla train --spark} on Apache Spark. The command line has no Spark code
 * of its own: module {@code spark} implements this interface and registers it in
 * {@code META-INF/services}, and {@code ./nabla} puts that module (and Spark) on the class path only
 * when {@code --spark} is given, so plain runs neither build nor load Spark.
 */
public interface SparkEngineProvider {
    /** Starts Spark for one training run; the caller closes what it returns when the run ends. */
    Session open(Request request);

    /**
     * What {@code --spark} and its companion options asked for.
     *
     * @param master       a Spark master URL ({@code local[2]}, {@code spark://host:7077}, {@code yarn}, ...),
     *                     or empty for the one spark-submit configured
     * @param mode         {@code sync} or {@code average}
     * @param averageSteps local SGD steps between two averages ({@code average} mode)
     * @param partitions   data partitions (0: Spark's default parallelism)
     * @param backendId    the backend the executors compute on
     * @param threads      threads per task for that backend (0: {@code spark.task.cpus})
     * @param conf         further Spark settings
     */
    record Request(String master, String mode, int averageSteps, int partitions, String backendId, int threads,
                   Map<String, String> conf) {
    }

    /** A started Spark application, ready to train. */
    interface Session extends AutoCloseable {
        /** The engine to give {@link dev.nabla.train.TrainingRun.Builder#engine}. */
        StepEngine.Factory engine();

        /** One line for the run's header: Spark's version, the master, the mode, partitions, backend. */
        String description();

        /** One line after the run: what the steps cost on Spark (jobs, time per job, bytes), or null. */
        default String summary() {
            return null;
        }

        /** Stops the Spark application. */
        @Override
        void close();
    }
}
