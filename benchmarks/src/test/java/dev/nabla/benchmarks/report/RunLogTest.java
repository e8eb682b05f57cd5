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
        List<RunLog.Failure> failures = RunLog.failures(log);
        assertEquals(List.of(
                new RunLog.Failure("SgdStepBenchmark.tiny", "(backend = nd4j, batch = 1, dtype = float32, layers = tiny)",
                        "dev.nabla.benchmarks.SkippedBenchmark: SKIPPED: backend 'nd4j' is not on the benchmarks' class path"),
                new RunLog.Failure("PeakFlopsBenchmark.float32OneThread", "",
                        "java.lang.NoClassDefFoundError: jdk/incubator/vector/Vector")), failures);
        assertEquals(List.of(
                "`dev.nabla.benchmarks.SkippedBenchmark: SKIPPED: backend 'nd4j' is not on the benchmarks' class path` "
                        + "(SgdStepBenchmark.tiny (backend = nd4j, batch = 1, dtype = float32, layers = tiny))",
                "`java.lang.NoClassDefFoundError: jdk/incubator/vector/Vector` (PeakFlopsBenchmark.float32OneThread)"),
                RunLog.summarise(failures));
    }

    @Test
    void aReasonSharedByManyRunsIsOneLineCountedPerMethod() {
        List<RunLog.Failure> many = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(new RunLog.Failure("GemmBenchmark.gemm", "(problem = " + i + ")", "SKIPPED: no cpu"));
        }
        many.add(new RunLog.Failure("SgdStepBenchmark.wide", "(backend = cpu)", "SKIPPED: no cpu"));
        assertEquals(List.of("`SKIPPED: no cpu` (6 runs: GemmBenchmark.gemm x5, SgdStepBenchmark.wide x1)"),
                RunLog.summarise(many));
    }
}
