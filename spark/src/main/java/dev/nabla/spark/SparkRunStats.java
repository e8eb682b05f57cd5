package dev.nabla.spark;

import java.util.Locale;

/**
 * What a Spark training run cost, counted on the driver.
 *
 * @param steps            SGD steps taken (global batches)
 * @param jobs             Spark jobs run for them (one per step in sync mode, one per K steps in average mode)
 * @param jobSeconds       wall time inside those jobs, as the driver saw it (scheduling, tasks, results)
 * @param taskSeconds      time inside the tasks' own code (the steps' arithmetic), all tasks added up
 * @param driverSeconds    wall time on the driver between jobs (packing and broadcasting the weights, the update)
 * @param broadcastSeconds the part of driverSeconds spent creating the weights' broadcasts
 * @param broadcastBytes   payload bytes of the weights broadcast (once per job, to each executor)
 * @param resultBytes      payload bytes the partitions sent back (partial sums), all partitions together
 * @param partitions       data partitions
 */
public record SparkRunStats(long steps, long jobs, double jobSeconds, double taskSeconds, double driverSeconds,
                            double broadcastSeconds, long broadcastBytes, long resultBytes, int partitions) {
    /**
     * Mean wall seconds per Spark job.
     *
     * @return jobSeconds / jobs, or 0 without jobs
     */
    public double secondsPerJob() {
        return jobs == 0 ? 0 : jobSeconds / jobs;
    }

    /**
     * Mean wall seconds per step, jobs and driver work together.
     *
     * @return (jobSeconds + driverSeconds) / steps, or 0 without steps
     */
    public double secondsPerStep() {
        return steps == 0 ? 0 : (jobSeconds + driverSeconds) / steps;
    }

    @Override
    public String toString() {
        double perJob = jobs == 0 ? 0 : 1e3 / jobs;
        return String.format(Locale.ROOT, "%d steps in %d jobs: %.2f ms/job (tasks %.2f ms of work per job over %d "
                        + "partitions), driver %.2f ms/job (broadcast %.2f ms); %.0f KB broadcast and %.0f KB "
                        + "returned per job", steps, jobs, jobSeconds * perJob, taskSeconds * perJob, partitions,
                driverSeconds * perJob, broadcastSeconds * perJob, jobs == 0 ? 0 : broadcastBytes / 1024.0 / jobs,
                jobs == 0 ? 0 : resultBytes / 1024.0 / jobs);
    }
}
