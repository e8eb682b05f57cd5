package dev.nabla.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** {@code nabla train --spark MASTER}: the same training run, its steps computed on Apache Spark. */
final class SparkOptions {
    @Option(names = "--spark", arity = "0..1", fallbackValue = "", paramLabel = "MASTER",
            description = "Compute the steps on Apache Spark: a master URL (local[2], spark://HOST:7077, yarn, "
                    + "k8s://...), or no value under spark-submit (its master). Everything else (data, validation, "
                    + "checkpoints, logs, model) stays on this machine, as without --spark.")
    String master;

    @Option(names = "--spark-mode", paramLabel = "MODE",
            description = "sync (default): every mini-batch's gradient is summed over the partitions and applied "
                    + "here, the same algorithm as one machine; average: each partition takes "
                    + "--spark-average-steps local steps, then the weights and momentum are averaged.")
    String mode;

    @Option(names = "--spark-average-steps", paramLabel = "K",
            description = "Local steps between two averages in --spark-mode average (default: 8).")
    Integer averageSteps;

    @Option(names = "--spark-partitions", paramLabel = "N",
            description = "Partitions of the training rows (default: Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
            description = "A Spark setting, e.g. --spark-conf spark.executor.memory=4g (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    boolean enabled() {
        return master != null;
    }

    /** Refuses companion options without {@code --spark} and values out of range. */
    void check() {
        if (!enabled()) {
            String stray = mode != null ? "--spark-mode" : averageSteps != null ? "--spark-average-steps"
                    : partitions != null ? "--spark-partitions" : !conf.isEmpty() ? "--spark-conf" : null;
            if (stray != null) {
                throw new IllegalArgumentException(stray + " needs --spark MASTER");
            }
            return;
        }
        if (mode != null && !mode.equals("sync") && !mode.equals("average")) {
            throw new IllegalArgumentException("--spark-mode must be sync or average, got '" + mode + "'");
        }
        if (averageSteps != null && averageSteps < 1) {
            throw new IllegalArgumentException("--spark-average-steps must be at least 1, got " + averageSteps);
        }
        if (averageSteps != null && !"average".equals(mode)) {
            throw new IllegalArgumentException("--spark-average-steps needs --spark-mode average");
        }
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--spark-partitions must be at least 1, got " + partitions);
        }
    }

    /** Starts Spark through the provider on the class path, or says how to get one. */
    SparkEngineProvider.Session open(String backendId, int threads) {
        SparkEngineProvider provider = ServiceLoader.load(SparkEngineProvider.class, SparkOptions.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("--spark needs Nabla's spark module and "
                        + "Spark on the class path: run ./nabla (which adds them when --spark is given), or "
                        + "spark-submit spark/target/nabla-spark-cluster.jar"));
        return provider.open(new SparkEngineProvider.Request(master, mode == null ? "sync" : mode,
                averageSteps == null ? 8 : averageSteps, partitions == null ? 0 : partitions, backendId, threads,
                Map.copyOf(conf)));
    }
}
