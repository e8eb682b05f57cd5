package dev.nabla.benchmarks;

import dev.nabla.benchmarks.report.ReportGeneratorAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the harness from rotting: every benchmark method runs once (one short iteration, small
 * problems, in this JVM) with a Nabla backend and with its peer, the report is generated from the
 * JSON, a forked run proves that the flags in {@code @Fork} reach the fork, and a missing backend is
 * skipped with its reason.
 */
class HarnessSmokeTest {
    @TempDir
    Path dir;

    private ChainedOptionsBuilder quick(String include) throws IOException {
        return new OptionsBuilder().include(include).forks(0).warmupIterations(0).measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(30)).shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }

    private Collection<RunResult> run(ChainedOptionsBuilder options, String json) throws RunnerException {
        return new Runner(options.resultFormat(ResultFormatType.JSON).result(dir.resolve(json).toString()).build()).run();
    }

    private static String method(RunResult r) {
        return r.getParams().getBenchmark();
    }

    @Test
    void everyBenchmarkRunsOnceAndTheReportComesOutOfItsResults() throws Exception {
        List<RunResult> results = new ArrayList<>();
        // The step's own shapes are shrunk; tiny keeps its own (it is small already).
        String sgd = SgdStepBenchmark.class.getName();
        results.addAll(run(quick(sgd + ".tiny$").param("backend", "reference", "dl4j-omp1-blas1"), "tiny.json"));
        results.addAll(run(quick(sgd + ".(mnist|mnistFloat64|wide)$").param("backend", "reference", "dl4j-omp1-blas1")
                .param("layers", "6-5-3").param("batch", "4"), "sgd.json"));
        results.addAll(run(quick(GemmBenchmark.class.getName()).param("backend", "reference", "openblas")
                .param("problem", "48", "24x16x8-tn", "mnist-l2-bwd").param("threads", "1"), "gemm.json"));
        results.addAll(run(quick(PeakFlopsBenchmark.class.getName()), "peak.json"));

        Set<String> expected = new TreeSet<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList().getAll(OutputFormatFactory.createFormatInstance(
                System.out, VerboseMode.SILENT), List.of())) {
            expected.add(e.getUsername());
        }
        Set<String> ran = results.stream().map(HarnessSmokeTest::method).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, ran, "every @Benchmark method ran");
        for (RunResult r : results) {
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), method(r) + " " + r.getParams() + " scored " + score);
        }
        assertEquals(8, results.stream().filter(r -> method(r).startsWith(sgd)).count(), "4 workloads x 2 subjects");

        Path out = dir.resolve("report");
        Files.createDirectories(out);
        Path md = ReportGeneratorAccess.run(dir.resolve("tiny.json").toString(), dir.resolve("sgd.json").toString(),
                dir.resolve("gemm.json").toString(), dir.resolve("peak.json").toString(),
                "--out", out.toString(), "--command", "smoke test", "--draft", "a smoke test");
        String report = Files.readString(md);
        for (String expectedText : List.of("> **DRAFT.** a smoke test", "`smoke test`", "### tiny 1-1-1 b1 float32",
                "### 6-5-3 b4 float32", "### 6-5-3 b4 float64", "| reference |", "| dl4j-omp1-blas1 |",
                "### GEMM float32, 1 thread", "| 24x16x8-tn | 24x16x8 A^T B |", "| float32 |", "| float64 |",
                "![samples/s", "charts/gemm-1-thread.png", "## Targets", "not measured")) {
            assertTrue(report.contains(expectedText), "RESULTS.md lacks '" + expectedText + "':\n" + report);
        }
        for (String chart : List.of("sgd-throughput.png", "gemm-1-thread.png")) {
            BufferedImage image = ImageIO.read(out.resolve("charts").resolve(chart).toFile());
            assertNotNull(image, chart + " is a PNG");
            assertTrue(image.getWidth() >= 600 && image.getHeight() >= 300, chart + " has a sensible size");
        }
    }

    @Test
    void theForkGetsTheFlagsOfItsForkAnnotation() throws Exception {
        // -jvmArgs replaces what a fork would inherit from this JVM (which has the Vector API module),
        // so the fork can only load the Vector API through @Fork(jvmArgsPrepend). (Checked by hand:
        // with -jvmArgsPrepend overridden too, the fork dies of NoClassDefFoundError, jdk/incubator/vector.)
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(PeakFlopsBenchmark.class.getName() + ".float32OneThread$")
                .forks(1).jvmArgs("-Xmx256m").warmupIterations(0).measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(30)).shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT).build()).run();
        assertEquals(1, results.size());
        double flops = results.iterator().next().getPrimaryResult().getScore();
        assertTrue(flops > 0 && Double.isFinite(flops), "the forked FMA loop ran: " + flops + " FLOP/s");
    }

    @Test
    void aPeerOfTheOtherKindIsSkippedWithItsReason() {
        SkippedBenchmark training = org.junit.jupiter.api.Assertions.assertThrows(SkippedBenchmark.class,
                () -> Subjects.sgdStep("openblas", dev.nabla.bench.Workload.of("tiny", 1, "float32")));
        assertTrue(training.getMessage().contains("'openblas' is GemmBenchmark's yardstick"), training.getMessage());
        SkippedBenchmark gemm = org.junit.jupiter.api.Assertions.assertThrows(SkippedBenchmark.class,
                () -> Subjects.gemm("dl4j-omp1-blas1", GemmProblem.parse("8"), dev.nabla.tensor.DType.FLOAT32, 1));
        assertTrue(gemm.getMessage().contains("training peer, not a GEMM subject"), gemm.getMessage());
    }

    @Test
    void aBackendThatIsNotOnTheClassPathIsSkippedWithItsReason() throws Exception {
        Path log = dir.resolve("skip.log");
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(SgdStepBenchmark.class.getName() + ".tiny$").param("backend", "no-such-backend", "reference")
                .forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(30))
                .output(log.toString()).build()).run();
        assertEquals(List.of("reference"), results.stream().map(r -> r.getParams().getParam("backend")).toList(),
                "the other backend still ran");
        String text = Files.readString(log);
        assertTrue(text.contains("SKIPPED: backend 'no-such-backend' is not on the benchmarks' class path (found: "),
                text);
    }
}
