package dev.nabla.benchmarks.report;

import dev.nabla.bench.Workload;
import dev.nabla.benchmarks.BenchmarkVersions;
import dev.nabla.benchmarks.GemmProblem;
import dev.nabla.tensor.DType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders a {@link Report} as benchmarks/RESULTS.md. */
final class MarkdownReport {
    /** What the caller knows that the JSON does not. */
    record Context(String command, String draftNote, String notes, List<String> sources, String generatedAt,
                   List<String> chartFiles, List<String> failures) {
    }

    private final Report report;
    private final Context context;
    private final StringBuilder md = new StringBuilder();

    MarkdownReport(Report report, Context context) {
        this.report = report;
        this.context = context;
    }

    String render() {
        md.append("# Nabla benchmark results\n\n");
        if (context.draftNote() != null) {
            line("> **DRAFT.** " + context.draftNote());
            line("");
        }
        line("Generated " + context.generatedAt() + " by `dev.nabla.benchmarks.report.ReportGenerator` from "
                + String.join(", ", context.sources().stream().map(s -> "`" + s + "`").toList())
                + ". Regenerate rather than edit: see [How to reproduce](#how-to-reproduce).");
        line("");
        provenance();
        peak();
        targets();
        sgd();
        gemm();
        if (context.notes() != null && !context.notes().isBlank()) {
            line("## Notes");
            line("");
            line(context.notes().strip());
            line("");
        }
        if (!context.failures().isEmpty()) {
            line("## Skipped or failed in this run");
            line("");
            line("From JMH's log, one line per reason; these combinations have no result above.");
            line("");
            context.failures().forEach(f -> line("- " + f));
            line("");
        }
        if (!report.unrecognised.isEmpty()) {
            line("## Other results");
            line("");
            line("Results this report does not tabulate:");
            line("");
            report.unrecognised.forEach(u -> line("- " + u));
            line("");
        }
        reproduce();
        return md.toString();
    }

    private void line(String text) {
        md.append(text).append('\n');
    }

    // ------------------------------------------------------------------ sections

    private void provenance() {
        JmhResult first = report.results.get(0);
        line("## The run");
        line("");
        line("- **Command:** `" + (context.command() == null ? "not recorded (pass --command)" : context.command()) + "`");
        line("- **Machine:** " + report.machine.cpu + ", " + report.machine.cores + " cores (as the JVM sees them), "
                + report.machine.os + " (read when the report was generated, on the machine of the run)");
        line("- **JDK:** " + first.field("jdkVersion") + " (" + first.field("vmName") + " " + first.field("vmVersion")
                + "), forked JVM flags `" + String.join(" ", first.jvmArgs()) + "`");
        line("- **Versions:** Nabla " + BenchmarkVersions.get("nabla.version") + ", JMH " + nonEmpty(first.field("jmhVersion"),
                BenchmarkVersions.get("jmh.version")) + ", DL4J/ND4J " + BenchmarkVersions.get("dl4j.version")
                + " (nd4j-native " + BenchmarkVersions.get("native.classifier") + "), OpenBLAS " + BenchmarkVersions.get("openblas.version")
                + " with javacpp " + BenchmarkVersions.get("javacpp.version") + ", charts by XChart "
                + BenchmarkVersions.get("xchart.version"));
        Map<String, String> settings = new LinkedHashMap<>();
        for (JmhResult r : report.results) {
            settings.putIfAbsent(r.benchmarkClass(), String.format(Locale.ROOT,
                    "%d fork(s), warm-up %s x %s, measurement %s x %s", r.forks(), r.field("warmupIterations"),
                    r.field("warmupTime"), r.field("measurementIterations"), r.field("measurementTime")));
        }
        line("- **JMH settings:** " + String.join("; ", settings.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).toList())
                + ". Errors are JMH's 99.9% confidence half-widths over the measurement iterations.");
        line("");
    }

    private void peak() {
        line("## The machine's peak");
        line("");
        line("`PeakFlopsBenchmark`: a Vector API loop of independent FMA chains at the preferred vector width, "
                + "the denominator of every \"% of peak\" below (for reference, docs/design.md measured ~184 GFLOP/s per "
                + "core with a C loop of 12 AVX-512 FMA chains, ~369 on 2 cores).");
        line("");
        line("| dtype | one thread, GFLOP/s | all " + report.machine.cores + " threads, GFLOP/s |");
        line("| --- | ---: | ---: |");
        for (DType dtype : DType.values()) {
            Optional<Report.Peak> one = report.peak(dtype, false);
            Optional<Report.Peak> all = report.peak(dtype, true);
            if (one.isPresent() || all.isPresent()) {
                line("| " + dtype + " | " + one.map(p -> Format.withError(p.gflops())).orElse("not measured") + " | "
                        + all.map(p -> Format.withError(p.gflops())).orElse("not measured") + " |");
            }
        }
        if (report.peaks.isEmpty()) {
            line("| (not measured in this run: run `PeakFlopsBenchmark` for the % of peak columns) | | |");
        }
        line("");
    }

    private void targets() {
        line("## Targets");
        line("");
        line("The targets of issues 3 (`cpu`), 4 (`nd4j`), 5 (this harness) and 13 (`cpu` against PyTorch eager, "
                + "`torch`, and `nd4j`), checked against this run. "
                + "\"DL4J\" is its best thread setting per shape; OpenBLAS is `" + report.yardstick().orElse("openblas")
                + "` (see GEMM).");
        line("");
        line("| issue | target | status | measured |");
        line("| --- | --- | --- | --- |");
        for (Report.Target t : report.targets) {
            String status = t.status() == Report.Status.MET ? "met" : t.status() == Report.Status.NOT_MET
                    ? "**not met**" : "not measured";
            line("| " + t.issue() + " | " + t.goal() + " | " + status + " | " + t.measured() + " |");
        }
        line("");
    }

    private void sgd() {
        line("## SGD step throughput");
        line("");
        if (report.sgd.isEmpty()) {
            line("No `SgdStepBenchmark` results in this run.");
            line("");
            return;
        }
        line("`SgdStepBenchmark`: one full mini-batch step (forward, MSE loss, backward, plain-SGD update, "
                + "learning rate 0.01) on a batch resident on the backend, from the same Xavier-uniform weights "
                + "and the same synthetic batch for every subject; data loading is not timed. Each subject runs "
                + "in its own forked JVM.");
        line("");
        line("- **samples/s** = JMH's steps/s x batch, with JMH's error.");
        line("- **GFLOP/s** (effective) = steps/s x the step's GEMM FLOPs, 2B(3 sum(in x out) - in_1 x out_1): "
                + "three products of 2 B in out per layer (forward X W^T, weight gradient delta^T A, input "
                + "gradient delta W) except the first layer's input gradient, which is never computed. "
                + "Element-wise work (bias, sigmoid, its derivative, loss, bias gradients, update) is not "
                + "counted: under 2% of the total on mnist b32, under 1% from b128 and on wide, but all of "
                + "tiny's work, whose GFLOP/s is therefore not meaningful.");
        line("- **% of peak** = GFLOP/s over the all-core FMA peak of the step's dtype measured above.");
        line("- **vs DL4J** = samples/s over the best DL4J thread setting on that workload. DL4J subjects: "
                + "`dl4j-omp1-blas1` runs ND4J's OpenMP and OpenBLAS on one thread (what OMP_NUM_THREADS=1 "
                + "does, docs/design.md: 12x faster than ND4J's default on mnist b128), `dl4j-omp1-blasall` keeps "
                + "OpenMP on one thread and gives OpenBLAS every core, `dl4j` is ND4J's default. The "
                + "settings are applied inside each fork through ND4J's API and read back (see the run log's "
                + "`# subject:` lines).");
        line("- **vs PyTorch** = samples/s over PyTorch eager's (`torch`: torch's default threads, one per core; "
                + "the best of any `torch-N` too) on that workload: the same network, mse and plain SGD step, "
                + "run by benchmarks/peers/torch_step.py (the run log's `# subject:` line names torch's version, "
                + "threads and BLAS).");
        line("");
        chart("sgd-throughput.png", "samples/s per subject, one panel per workload");
        for (Map.Entry<Workload, List<Report.SgdRow>> e : report.sgd.entrySet()) {
            Workload w = e.getKey();
            line("### " + w.label());
            line("");
            line(Format.flops(w.gemmFlopsPerStep()) + " of GEMM per step.");
            line("");
            line("| backend | samples/s | step time | GFLOP/s | % of " + w.dtype() + " peak | vs DL4J | vs PyTorch |");
            line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (Report.SgdRow row : e.getValue()) {
                double stepSeconds = w.batch() / row.samplesPerSecond().mean();
                line("| " + row.subject() + " | " + Format.withError(row.samplesPerSecond()) + " | "
                        + duration(stepSeconds) + " | " + Format.number(row.gflops()) + " | "
                        + Format.percent(row.percentOfPeak()) + " | "
                        + (Double.isNaN(row.vsDl4j()) ? "no DL4J result" : Format.ratio(row.vsDl4j()) + "x") + " | "
                        + (Double.isNaN(row.vsTorch()) ? "no PyTorch result" : Format.ratio(row.vsTorch()) + "x") + " |");
            }
            line("");
        }
    }

    private void gemm() {
        line("## GEMM");
        line("");
        if (report.gemm.isEmpty()) {
            line("No `GemmBenchmark` results in this run.");
            line("");
            return;
        }
        line("`GemmBenchmark`: C = op(A) op(B) through `Backend.gemm` into a preallocated C (beta = 0), "
                + "GFLOP/s = calls/s x 2MNK. `openblas` is the yardstick: ND4J's `Nd4j.gemm`, i.e. OpenBLAS "
                + "sgemm with no Nabla code in between. Problems: square sizes (neither operand transposed) and "
                + "the products of the training steps as stored in training: `fwd` X W^T, `wgrad` delta^T A, "
                + "`bwd` delta W, of layer 1 (or 2, where layer 1 has no input gradient) of mnist b128 and "
                + "layer 2 of wide b256. Cells: GFLOP/s ± error (% of the FMA peak of that many threads); "
                + "empty: not measured.");
        line("");
        String yard = report.yardstick().orElse(null);
        for (String threads : report.gemmThreadSettings()) {
            String label = report.threadsLabel(threads);
            chart("gemm-" + (threads.equals("all") ? "all-threads" : threads + "-thread") + ".png", "GEMM GFLOP/s, " + label);
            line("### GEMM float32, " + label);
            line("");
            List<String> backends = new ArrayList<>();
            for (String b : report.gemmBackends()) {
                if (report.gemm.stream().anyMatch(g -> g.backend().equals(b) && g.threads().equals(threads))) {
                    backends.add(b);
                }
            }
            List<String> ratioBackends = backends.stream().filter(b -> yard != null && !b.equals(yard)
                    && !b.equals("reference")).toList();
            StringBuilder header = new StringBuilder("| problem | M x N x K, operands |");
            StringBuilder rule = new StringBuilder("| --- | --- |");
            for (String b : backends) {
                header.append(' ').append(b).append(" |");
                rule.append(" ---: |");
            }
            for (String b : ratioBackends) {
                header.append(' ').append(b).append(" / ").append(yard).append(" |");
                rule.append(" ---: |");
            }
            line(header.toString());
            line(rule.toString());
            for (String problem : report.gemmProblems()) {
                StringBuilder row = new StringBuilder("| " + problem + " | " + GemmProblem.parse(problem).describe() + " |");
                boolean any = false;
                for (String b : backends) {
                    Optional<Report.GemmRow> g = report.gemm(problem, b, threads);
                    any |= g.isPresent();
                    row.append(' ').append(g.map(x -> Format.withError(x.gflops()) + " (" + Format.percent(x.percentOfPeak()) + ")")
                            .orElse("")).append(" |");
                }
                for (String b : ratioBackends) {
                    Optional<Report.GemmRow> g = report.gemm(problem, b, threads);
                    Optional<Report.GemmRow> y = report.gemm(problem, yard, threads);
                    row.append(' ').append(g.isPresent() && y.isPresent()
                            ? Format.ratio(g.get().gflops().mean() / y.get().gflops().mean()) + "x" : "").append(" |");
                }
                if (any) {
                    line(row.toString());
                }
            }
            line("");
        }
        List<Report.GemmRow> float64 = report.gemm.stream().filter(g -> g.dtype() == DType.FLOAT64).toList();
        if (!float64.isEmpty()) {
            line("### GEMM float64");
            line("");
            line("| problem | backend | threads | GFLOP/s | % of float64 peak |");
            line("| --- | --- | --- | ---: | ---: |");
            float64.forEach(g -> line("| " + g.problemName() + " | " + g.backend() + " | " + report.threadsLabel(g.threads())
                    + " | " + Format.withError(g.gflops()) + " | " + Format.percent(g.percentOfPeak()) + " |"));
            line("");
        }
    }

    private void reproduce() {
        line("## How to reproduce");
        line("");
        line("On a quiet machine (nothing else running; the figures are only comparable within one run):");
        line("");
        line("```");
        line("mvn -q -DskipTests package -pl benchmarks -am");
        line("benchmarks/run.sh            # every benchmark (about 20-25 min on 2 cores), then this report");
        line("```");
        line("");
        line("`benchmarks/run.sh` passes its arguments to JMH (e.g. `benchmarks/run.sh 'SgdStepBenchmark.mnist$' "
                + "-p batch=64`), keeps JMH's JSON and log in `benchmarks/results/`, and then runs "
                + "`java -cp benchmarks/target/benchmarks.jar dev.nabla.benchmarks.report.ReportGenerator "
                + "benchmarks/results/jmh.json --out benchmarks --command '...'`. See benchmarks/README.md.");
    }

    private void chart(String file, String alt) {
        if (context.chartFiles().contains(file)) {
            line("![" + alt + "](charts/" + file + ")");
            line("");
        }
    }

    private static String duration(double seconds) {
        if (seconds >= 1) {
            return Format.number(seconds) + " s";
        }
        if (seconds >= 1e-3) {
            return Format.number(seconds * 1e3) + " ms";
        }
        return Format.number(seconds * 1e6) + " µs";
    }

    private static String nonEmpty(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
