package dev.nabla.spark;

import java.util.Locale;

/**
 * What a Spark training run cost, counted on the driver.
 *
 * @param steps          SGD steps taken (global batches)
 * @param jobs           Spark jobs run for them (one per step in sync mode, one per K steps in average mode)
 * @param jobSeconds     wall time inside those jobs (broadcast, tasks, results)
 * @param driverSeconds  wall time on the driver between jobs (the update, packing the weights)
 * @param broadcastBytes payload bytes of the weights broadcast (once per job, to each executor)
 * @param resultBytes    payload bytes the partitions sent back (partial sums), all partitions together
 * @param partitions     data partitions
 */
public record SparkRunStats(long steps, long jobs, double jobSeconds, double driverSeconds, long broadcastBytes,
                            long resultBytes, int partitions) {
    /** Mean seconds per Spark job. */
    public double secondsPerJob() {
        return jobs == 0 ? 0 : jobSeconds / jobs;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d steps in %d jobs (%.2f ms/job), driver %.2f ms/step, %.0f KB broadcast "
                        + "and %.0f KB returned per job, %d partitions", steps, jobs, 1e3 * secondsPerJob(),
                steps == 0 ? 0 : 1e3 * driverSeconds / steps, jobs == 0 ? 0 : broadcastBytes / 1024.0 / jobs,
                jobs == 0 ? 0 : resultBytes / 1024.0 / jobs, partitions);
    }
}
