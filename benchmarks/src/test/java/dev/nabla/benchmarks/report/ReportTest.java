package dev.nabla.benchmarks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The derived figures and target checks, on hand-made JMH results whose answers are known. */
class ReportTest {
    @TempDir
    Path dir;

    private final List<String> entries = new ArrayList<>();

    private void add(String method, String params, double score, String error) {
        entries.add(String.format(Locale.ROOT, "{\"jmhVersion\":\"1.37\",\"benchmark\":\"dev.nabla.benchmarks.%s\","
                + "\"mode\":\"thrpt\",\"threads\":1,\"forks\":1,\"jvm\":\"/usr/bin/java\",\"jvmArgs\":[\"--add-modules=jdk.incubator.vector\"],"
                + "\"jdkVersion\":\"17.0.15\",\"vmName\":\"OpenJDK 64-Bit Server VM\",\"vmVersion\":\"17.0.15+6\","
                + "\"warmupIterations\":5,\"warmupTime\":\"1 s\",\"warmupBatchSize\":1,\"measurementIterations\":5,"
                + "\"measurementTime\":\"2 s\",\"measurementBatchSize\":1,\"params\":{%s},"
                + "\"primaryMetric\":{\"score\":%s,\"scoreError\":%s,\"scoreUnit\":\"ops/s\",\"rawData\":[[1.0]]},"
                + "\"secondaryMetrics\":{}}", method, params, score, error));
    }

    private void sgd(String method, String backend, String layers, int batch, String dtype, double stepsPerSecond) {
        add("SgdStepBenchmark." + method, String.format(Locale.ROOT,
                "\"backend\":\"%s\",\"batch\":\"%d\",\"dtype\":\"%s\",\"layers\":\"%s\"", backend, batch, dtype, layers),
                stepsPerSecond, String.valueOf(stepsPerSecond / 100));
    }

    private void gemm(String backend, String problem, String threads, double callsPerSecond) {
        add("GemmBenchmark.gemm", String.format(Locale.ROOT,
                "\"backend\":\"%s\",\"dtype\":\"float32\",\"problem\":\"%s\",\"threads\":\"%s\"", backend, problem, threads),
                callsPerSecond, "\"NaN\"");
    }

    private Report report() throws IOException {
        Path json = dir.resolve("jmh.json");
        Files.writeString(json, "[" + String.join(",", entries) + "]");
        return new Report(JmhResult.read(List.of(json)), Machine.of("test CPU", 2, "test OS"));
    }

    private void typicalRun() {
        add("PeakFlopsBenchmark.float32OneThread", "", 150e9, "1e9");
        add("PeakFlopsBenchmark.float32AllThreads", "", 300e9, "2e9");
        sgd("tiny", "cpu", "tiny", 1, "float32", 2e6);
        sgd("tiny", "dl4j-omp1-blas1", "tiny", 1, "float32", 1000);
        sgd("wide", "cpu", "wide", 256, "float32", 1.0);
        sgd("wide", "nd4j", "wide", 256, "float32", 0.8);
        sgd("wide", "dl4j-omp1-blas1", "wide", 256, "float32", 0.5);
        sgd("wide", "dl4j-omp1-blasall", "wide", 256, "float32", 0.6);
        gemm("cpu", "1024", "all", 100);
        gemm("openblas", "1024", "all", 110);
        gemm("cpu", "2048", "all", 12);
        gemm("openblas", "2048", "all", 20);
        gemm("cpu", "1024", "1", 50);
        gemm("openblas", "1024", "1", 55);
    }

    private static Report.Target target(Report r, String goalStart) {
        return r.targets.stream().filter(t -> t.goal().startsWith(goalStart)).findFirst().orElseThrow();
    }

    @Test
    void derivesSamplesGflopsPeakShareAndTheRatioToTheBestDl4jSetting() throws IOException {
        typicalRun();
        Report r = report();
        Report.SgdRow cpu = r.sgd(dev.nabla.bench.Workload.of("wide", 256, "float32"), "cpu").orElseThrow();
        assertEquals(256, cpu.samplesPerSecond().mean(), 1e-9);
        assertEquals(2.56, cpu.samplesPerSecond().error(), 1e-9);
        // 2 * 256 * (3 * (1024*4096 + 4096*4096 + 4096*1024) - 1024*4096) FLOPs per step, one step/s.
        assertEquals(36.507222016, cpu.gflops(), 1e-9);
        assertEquals(100 * 36.507222016 / 300, cpu.percentOfPeak(), 1e-9);
        assertEquals(1.0 / 0.6, cpu.vsDl4j(), 1e-12, "against the better DL4J setting");
        assertEquals("cpu", r.sgd.values().iterator().next().get(0).subject(), "fastest first; tiny first");

        Report.GemmRow g = r.gemm("1024", "cpu", "1").orElseThrow();
        assertEquals(50 * 2.0 * 1024 * 1024 * 1024 / 1e9, g.gflops().mean(), 1e-9);
        assertEquals(100 * g.gflops().mean() / 150, g.percentOfPeak(), 1e-9, "one thread against one core's peak");
        assertTrue(Double.isNaN(g.gflops().error()), "JMH's NaN error stays unknown");
        assertEquals("openblas", r.yardstick().orElseThrow());
    }

    @Test
    void checksEachTargetAgainstTheRun() throws IOException {
        typicalRun();
        Report r = report();
        assertEquals(Report.Status.MET, target(r, "`cpu` >= 1000x DL4J samples/s on tiny").status(), "2000x");
        assertEquals(Report.Status.MET, target(r, "`cpu` >= 1.5x DL4J samples/s on wide").status(), "1.67x");
        assertEquals(Report.Status.NOT_MEASURED, target(r, "`cpu` >= 2x DL4J samples/s on mnist").status());
        Report.Target nd4j = target(r, "`nd4j` >= 1.5x");
        assertEquals(Report.Status.NOT_MEASURED, nd4j.status(), "mnist is missing");
        assertTrue(nd4j.measured().contains("wide 1024-4096-4096-1024 b256 float32: 1.33x"), nd4j.measured());
        Report.Target widePeak = target(r, "best Nabla backend on wide");
        assertEquals(Report.Status.NOT_MET, widePeak.status(), "12% of peak");
        assertTrue(widePeak.measured().startsWith("`cpu`: 36.5 GFLOP/s = 12.2% of 300 GFLOP/s"), widePeak.measured());
        Report.Target big = target(r, "`cpu` GEMM at 1024^2 and 2048^2");
        assertEquals(Report.Status.NOT_MET, big.status(), "0.91x at 1024 but 0.60x at 2048");
        assertTrue(big.measured().contains("1024@all 2 threads: 0.91x") && big.measured().contains("2048@all 2 threads: 0.60x"),
                big.measured());
        assertEquals(Report.Status.MET, target(r, "`cpu` GEMM at 1024^2 on one thread").status(), "71.6% of 150");
        assertEquals(Report.Status.NOT_MEASURED, target(r, "`cpu` on the MLP-shaped products").status());
    }

    @Test
    void checksIssue13AgainstTorchNd4jAndThePeak() throws IOException {
        typicalRun();
        sgd("wide", "torch", "wide", 256, "float32", 0.9);
        Report r = report();
        Report.SgdRow cpu = r.sgd(dev.nabla.bench.Workload.of("wide", 256, "float32"), "cpu").orElseThrow();
        assertEquals(1.0 / 0.9, cpu.vsTorch(), 1e-12, "the table's vs PyTorch column");
        assertTrue(Double.isNaN(r.sgd(dev.nabla.bench.Workload.of("tiny", 1, "float32"), "cpu").orElseThrow().vsTorch()),
                "no torch row on tiny: no ratio");
        Report.Target torch = target(r, "`cpu` >= 1.2x `torch` samples/s on every shape");
        assertEquals(Report.Status.NOT_MEASURED, torch.status(), "no mnist results");
        assertTrue(torch.measured().contains("wide 1024-4096-4096-1024 b256 float32: 1.11x")
                && torch.measured().contains("no cpu or torch result for mnist 784-256-256-10 b32 float32"), torch.measured());
        Report.Target nd4j = target(r, "`cpu` >= 1x `nd4j` samples/s on every shape");
        assertTrue(nd4j.measured().contains("wide 1024-4096-4096-1024 b256 float32: 1.25x"), nd4j.measured());
        Report.Target peak = target(r, "`cpu` on wide 1024-4096-4096-1024 b256 float32 >= 80% of the float32 FMA peak");
        assertEquals(Report.Status.NOT_MET, peak.status());
        assertTrue(peak.measured().startsWith("36.5 GFLOP/s = 12.2% of 300 GFLOP/s"), peak.measured());
        assertEquals(Report.Status.NOT_MEASURED, target(r, "`cpu` on mnist 784-256-256-10 b1024 float32 >= 70%").status());
    }

    @Test
    void rendersTheTablesAndTheTargets() throws IOException {
        typicalRun();
        Report r = report();
        String md = new MarkdownReport(r, new MarkdownReport.Context("java -jar benchmarks.jar", null, "A note.",
                List.of("jmh.json"), "now", List.of("sgd-throughput.png"),
                List.of("SgdStepBenchmark.tiny (backend = nd4j): SKIPPED: not here"))).render();
        assertTrue(md.contains("| cpu | 256 ± 2.56 | 1.00 s | 36.5 | 12.2% | 1.67x |"), md);
        assertTrue(md.contains("| dl4j-omp1-blasall | 154 ± 1.54 |"), md);
        assertTrue(md.contains("| 1024 | 1024x1024x1024 A B | 107 (71.6%) | 118 (78.7%) | 0.91x |"), md);
        assertTrue(md.contains("| 5 | `cpu` >= 1000x DL4J samples/s on tiny 1-1-1 b1 float32 | met | 2,000x (2,000,000 vs dl4j-omp1-blas1 1,000 samples/s) |"), md);
        assertTrue(md.contains("**not met**"), md);
        assertTrue(md.contains("36.5 GFLOP of GEMM per step.") && md.contains("10 FLOP of GEMM per step."), md);
        assertTrue(md.contains("## Notes\n\nA note."), md);
        assertTrue(md.contains("![samples/s per subject, one panel per workload](charts/sgd-throughput.png)"), md);
        assertFalse(md.contains("DRAFT"), md);
        assertTrue(md.contains("## Skipped or failed in this run") && md.contains("- SgdStepBenchmark.tiny (backend = nd4j): SKIPPED: not here"), md);
    }

    @Test
    void badInputIsOneClearError() throws IOException {
        Path notJson = dir.resolve("log.txt");
        Files.writeString(notJson, "# JMH version: 1.37\n");
        IOException e = assertThrows(IOException.class, () -> JmhResult.read(List.of(notJson)));
        assertTrue(e.getMessage().startsWith(notJson + ": not JMH JSON results"), e.getMessage());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ReportGenerator.run(new String[] {"x.json", "--colour", "red"}));
        assertTrue(bad.getMessage().contains("unknown option --colour"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> ReportGenerator.run(new String[0]));
        assertTrue(bad.getMessage().contains("no JMH JSON results given"), bad.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> ReportGenerator.run(new String[] {dir.resolve("missing.json").toString(), "--out", dir.toString()}));
        assertFalse(Files.exists(dir.resolve("RESULTS.md")), "nothing written on failure");
    }
}
