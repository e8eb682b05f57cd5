package dev.nabla.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunLogTest {
    @Test
    void findsEachFailedRunWithItsParametersAndReason() {
        List<String> log = List.of(
                "# Benchmark: dev.nabla.benchmarks.SgdStepBenchmark.tiny",
                "# Parameters: (backend = reference, batch = 1, dtype = float32, layers = tiny)",
                "# Warmup Iteration   1: 123.4 ops/s",
                "# Benchmark: dev.nabla.benchmarks.SgdStepBenchmark.tiny",
                "# Parameters: (backend = nd4j, batch = 1, dtype = float32, layers = tiny)",
                "# Warmup Iteration   1: <failure>",
                "",
                "dev.nabla.benchmarks.SkippedBenchmark: SKIPPED: backend 'nd4j' is not on the benchmarks' class path",
                "",
                "# Benchmark: dev.nabla.benchmarks.PeakFlopsBenchmark.float32OneThread",
                "Iteration   1: <failure>",
                "java.lang.NoClassDefFoundError: jdk/incubator/vector/Vector",
                "\tat x.y(Z.java:1)");
        assertEquals(List.of(
                "SgdStepBenchmark.tiny (backend = nd4j, batch = 1, dtype = float32, layers = tiny): "
                        + "dev.nabla.benchmarks.SkippedBenchmark: SKIPPED: backend 'nd4j' is not on the benchmarks' class path",
                "PeakFlopsBenchmark.float32OneThread: java.lang.NoClassDefFoundError: jdk/incubator/vector/Vector"),
                RunLog.failures(log));
    }
}
