package dev.nabla.benchmarks.report;

import dev.nabla.bench.Workload;
import dev.nabla.benchmarks.GemmProblem;
import dev.nabla.tensor.DType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The figures of a benchmark run, derived from JMH's results: samples/s, effective GFLOP/s and % of
 * the measured FMA peak per SGD workload and subject, GEMM GFLOP/s per problem, backend and thread
 * count, and the issues' targets checked against them.
 */
final class Report {
    /** The peer's ids start with this; the best of its thread settings is DL4J's figure. */
    static final String DL4J = "dl4j";
    /** Preferred GEMM yardsticks, first found wins: raw ND4J/OpenBLAS, then the nd4j backend. */
    static final List<String> YARDSTICKS = List.of("openblas", "nd4j");

    /** A measured mean with JMH's 99.9% half-width (NaN when JMH had too few iterations for one). */
    record Value(double mean, double error) {
        Value times(double factor) {
            return new Value(mean * factor, error * factor);
        }
    }

    record SgdRow(Workload workload, String subject, Value samplesPerSecond, double gflops, double percentOfPeak,
                  double vsDl4j, double vsTorch) {
    }

    record GemmRow(GemmProblem problem, String problemName, String backend, String threads, DType dtype, Value gflops,
                   double percentOfPeak) {
    }

    record Peak(DType dtype, boolean allThreads, Value gflops) {
    }

    enum Status { MET, NOT_MET, NOT_MEASURED }

    record Target(String issue, String goal, Status status, String measured) {
    }

    final List<JmhResult> results;
    final Machine machine;
    final List<Peak> peaks = new ArrayList<>();
    /** Per workload, rows sorted fastest first; workloads in the suite's order. */
    final Map<Workload, List<SgdRow>> sgd = new LinkedHashMap<>();
    final List<GemmRow> gemm = new ArrayList<>();
    final List<Target> targets = new ArrayList<>();
    /** Results this generator does not know how to read (listed, not dropped silently). */
    final List<String> unrecognised = new ArrayList<>();

    Report(List<JmhResult> results, Machine machine) {
        this.results = results;
        this.machine = machine;
        for (JmhResult r : results) {
            switch (r.benchmarkClass()) {
                case "PeakFlopsBenchmark":
                    readPeak(r);
                    break;
                case "SgdStepBenchmark":
                case "GemmBenchmark":
                    break;
                default:
                    unrecognised.add(r.benchmark() + " " + r.params());
            }
        }
        readSgd();
        readGemm();
        checkTargets();
    }

    // ------------------------------------------------------------------ reading

    /** Score in operations per second (throughput mode, any time unit). */
    static Value perSecond(JmhResult r) {
        if (!r.mode().equals("thrpt")) {
            throw new IllegalArgumentException(r.benchmark() + " was run in mode '" + r.mode()
                    + "': the report needs throughput (JMH's default here; drop -bm)");
        }
        String unit = r.scoreUnit();
        double factor;
        switch (unit) {
            case "ops/s": factor = 1; break;
            case "ops/ms": factor = 1e3; break;
            case "ops/us": factor = 1e6; break;
            case "ops/ns": factor = 1e9; break;
            case "ops/min": factor = 1.0 / 60; break;
            default:
                throw new IllegalArgumentException(r.benchmark() + " has score unit '" + unit + "', expected ops/<time>");
        }
        return new Value(r.score(), r.scoreError()).times(factor);
    }

    private void readPeak(JmhResult r) {
        String m = r.method();
        DType dtype = m.startsWith("float64") ? DType.FLOAT64 : DType.FLOAT32;
        peaks.add(new Peak(dtype, m.endsWith("AllThreads"), perSecond(r).times(1e-9)));
    }

    Optional<Peak> peak(DType dtype, boolean allThreads) {
        return peaks.stream().filter(p -> p.dtype() == dtype && p.allThreads() == allThreads).findFirst();
    }

    /** GFLOP/s available to {@code threads} threads: the one-thread peak times threads, capped by the all-core peak. */
    double peakFor(DType dtype, int threads) {
        Optional<Peak> all = peak(dtype, true);
        Optional<Peak> one = peak(dtype, false);
        if (threads >= machine.cores) {
            return all.map(p -> p.gflops().mean()).orElse(one.map(p -> p.gflops().mean() * machine.cores).orElse(Double.NaN));
        }
        double scaled = one.map(p -> p.gflops().mean() * threads).orElse(Double.NaN);
        return all.map(p -> Math.min(scaled, p.gflops().mean())).orElse(scaled);
    }

    private void readSgd() {
        Map<Workload, List<JmhResult>> byWorkload = new LinkedHashMap<>();
        for (JmhResult r : results) {
            if (r.benchmarkClass().equals("SgdStepBenchmark")) {
                Workload w = Workload.of(r.param("layers"), Integer.parseInt(r.param("batch")), r.param("dtype"));
                byWorkload.computeIfAbsent(w, k -> new ArrayList<>()).add(r);
            }
        }
        List<Workload> order = new ArrayList<>(byWorkload.keySet());
        order.sort(Comparator.comparingInt(Report::suiteRank).thenComparing(Workload::shapeName)
                .thenComparing(Workload::dtype).thenComparingInt(Workload::batch));
        for (Workload w : order) {
            double dl4jSamples = byWorkload.get(w).stream().filter(r -> isDl4j(r.param("backend")))
                    .mapToDouble(r -> perSecond(r).mean() * w.batch()).max().orElse(Double.NaN);
            double torchSamples = byWorkload.get(w).stream().filter(r -> isTorch(r.param("backend")))
                    .mapToDouble(r -> perSecond(r).mean() * w.batch()).max().orElse(Double.NaN);
            double peak = peakFor(w.dtype(), machine.cores);
            List<SgdRow> rows = new ArrayList<>();
            for (JmhResult r : byWorkload.get(w)) {
                if (rows.stream().anyMatch(row -> row.subject().equals(r.param("backend")))) {
                    unrecognised.add("a second result for " + r.param("backend") + " on " + w.label() + " (from "
                            + r.benchmark() + "; the first one is tabulated)");
                    continue;
                }
                Value samples = perSecond(r).times(w.batch());
                double gflops = samples.mean() / w.batch() * w.gemmFlopsPerStep() / 1e9;
                rows.add(new SgdRow(w, r.param("backend"), samples, gflops, 100 * gflops / peak, samples.mean() / dl4jSamples,
                        samples.mean() / torchSamples));
            }
            rows.sort(Comparator.comparingDouble((SgdRow row) -> row.samplesPerSecond().mean()).reversed());
            sgd.put(w, rows);
        }
    }

    /** tiny, mnist b32/128/1024, mnist float64, wide, then anything else. */
    private static int suiteRank(Workload w) {
        String shape = w.shapeName();
        boolean f32 = w.dtype() == DType.FLOAT32;
        if (shape.equals("tiny")) {
            return 0;
        }
        if (shape.equals("mnist")) {
            return f32 ? 1 : 2;
        }
        if (shape.equals("wide")) {
            return 3;
        }
        return 4;
    }

    static boolean isDl4j(String subject) {
        return subject.equals(DL4J) || subject.startsWith(DL4J + "-");
    }

    /** The PyTorch peer: {@code torch} (its default threads) or {@code torch-N}. */
    static boolean isTorch(String subject) {
        return subject.equals("torch") || subject.startsWith("torch-");
    }

    private void readGemm() {
        for (JmhResult r : results) {
            if (r.benchmarkClass().equals("GemmBenchmark")) {
                GemmProblem p = GemmProblem.parse(r.param("problem"));
                DType dtype = DType.parse(r.param("dtype"));
                String threads = r.param("threads");
                int count = threads.equals("all") ? machine.cores : Integer.parseInt(threads);
                Value gflops = perSecond(r).times(p.flops() / 1e9);
                if (gemm.stream().anyMatch(g -> g.problemName().equals(r.param("problem")) && g.backend().equals(r.param("backend"))
                        && g.threads().equals(threads) && g.dtype() == dtype)) {
                    unrecognised.add("a second result for " + r.param("backend") + " on GEMM " + r.param("problem") + " "
                            + threads + " thread(s) (from " + r.benchmark() + "; the first one is tabulated)");
                    continue;
                }
                gemm.add(new GemmRow(p, r.param("problem"), r.param("backend"), threads, dtype, gflops,
                        100 * gflops.mean() / peakFor(dtype, count)));
            }
        }
    }

    /** Problems in the order they were first measured (the @Param order). */
    List<String> gemmProblems() {
        return gemm.stream().map(GemmRow::problemName).distinct().collect(Collectors.toList());
    }

    /** Backends measured by GEMM, in a fixed order: reference, cpu, nd4j, openblas, then others. */
    List<String> gemmBackends() {
        List<String> known = List.of("reference", "cpu", "nd4j", "openblas");
        return gemm.stream().map(GemmRow::backend).distinct()
                .sorted(Comparator.comparingInt((String b) -> known.contains(b) ? known.indexOf(b) : known.size())
                        .thenComparing(b -> b))
                .collect(Collectors.toList());
    }

    List<String> gemmThreadSettings() {
        return gemm.stream().map(GemmRow::threads).distinct()
                .sorted(Comparator.comparing((String t) -> t.equals("all")).thenComparing(t -> t))
                .collect(Collectors.toList());
    }

    Optional<GemmRow> gemm(String problem, String backend, String threads) {
        return gemm.stream().filter(g -> g.problemName().equals(problem) && g.backend().equals(backend)
                && g.threads().equals(threads) && g.dtype() == DType.FLOAT32).findFirst();
    }

    /** The yardstick present in the results, if any. */
    Optional<String> yardstick() {
        List<String> measured = gemmBackends();
        return YARDSTICKS.stream().filter(measured::contains).findFirst();
    }

    Optional<SgdRow> sgd(Workload w, String subject) {
        return sgd.getOrDefault(w, List.of()).stream().filter(r -> r.subject().equals(subject)).findFirst();
    }

    Optional<SgdRow> bestDl4j(Workload w) {
        return sgd.getOrDefault(w, List.of()).stream().filter(r -> isDl4j(r.subject()))
                .max(Comparator.comparingDouble(r -> r.samplesPerSecond().mean()));
    }

    // ------------------------------------------------------------------ targets

    private void checkTargets() {
        Workload tiny = Workload.of("tiny", 1, "float32");
        Workload mnist128 = Workload.of("mnist", 128, "float32");
        Workload wide = Workload.of("wide", 256, "float32");
        sgdRatio("5", "cpu", tiny, 1000);
        sgdRatio("5", "cpu", mnist128, 2);
        sgdRatio("5", "cpu", wide, 1.5);
        List<Workload> suite = List.of(tiny, Workload.of("mnist", 32, "float32"), mnist128,
                Workload.of("mnist", 1024, "float32"), Workload.of("mnist", 128, "float64"), wide);
        nd4jEverywhere(suite);
        widePeak(wide);
        gemmVsYardstick("3", List.of("1024", "2048"), List.of("all"), 0.8,
                "`cpu` GEMM at 1024^2 and 2048^2 on all cores >= 0.8x OpenBLAS sgemm");
        gemmOneThreadPeak();
        List<String> products = new ArrayList<>();
        GemmProblem.namedProducts().forEach(products::add);
        gemmVsYardstick("3", products, List.of("1", "all"), 0.7,
                "`cpu` on the MLP-shaped products >= 0.7x OpenBLAS (one thread and all cores)");
        List<Workload> issue13 = suite.subList(1, suite.size());
        everyShape("13", "cpu", "torch", 1.2, issue13);
        everyShape("13", "cpu", "nd4j", 1.0, issue13);
        percentOfPeak("13", "cpu", wide, 80);
        percentOfPeak("13", "cpu", Workload.of("mnist", 1024, "float32"), 70);
    }

    /** {@code subject} >= factor x {@code peer} samples/s on every workload of the suite. */
    private void everyShape(String issue, String subject, String peer, double factor, List<Workload> suite) {
        String goal = String.format(Locale.ROOT, "`%s` >= %sx `%s` samples/s on every shape", subject,
                Format.plain(factor), peer);
        List<String> parts = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean allMet = true;
        for (Workload w : suite) {
            Optional<SgdRow> row = sgd(w, subject);
            Optional<SgdRow> other = sgd(w, peer);
            if (row.isEmpty() || other.isEmpty()) {
                missing.add(w.label());
                continue;
            }
            double ratio = row.get().samplesPerSecond().mean() / other.get().samplesPerSecond().mean();
            allMet &= ratio >= factor;
            parts.add(w.label() + ": " + Format.ratio(ratio) + "x");
        }
        String measured = String.join("; ", parts) + (missing.isEmpty() ? "" : (parts.isEmpty() ? "" : "; ")
                + "no " + subject + " or " + peer + " result for " + String.join(", ", missing));
        Status status = !missing.isEmpty() ? Status.NOT_MEASURED : allMet ? Status.MET : Status.NOT_MET;
        targets.add(new Target(issue, goal, status, measured));
    }

    /** {@code subject}'s effective GFLOP/s on {@code w} >= pct % of the all-core FMA peak of its dtype. */
    private void percentOfPeak(String issue, String subject, Workload w, double pct) {
        String goal = String.format(Locale.ROOT, "`%s` on %s >= %s%% of the %s FMA peak (effective GFLOP/s)",
                subject, w.label(), Format.plain(pct), w.dtype());
        Optional<SgdRow> row = sgd(w, subject);
        if (row.isEmpty() || peak(w.dtype(), true).isEmpty()) {
            targets.add(new Target(issue, goal, Status.NOT_MEASURED, missing(row.isEmpty() ? subject + " on " + w.label() : null,
                    peak(w.dtype(), true).isEmpty() ? "PeakFlopsBenchmark, all threads" : null)));
            return;
        }
        targets.add(new Target(issue, goal, row.get().percentOfPeak() >= pct ? Status.MET : Status.NOT_MET,
                String.format(Locale.ROOT, "%s GFLOP/s = %s%% of %s GFLOP/s", Format.number(row.get().gflops()),
                        Format.number(row.get().percentOfPeak()), Format.number(peakFor(w.dtype(), machine.cores)))));
    }

    private void sgdRatio(String issue, String subject, Workload w, double factor) {
        String goal = String.format(Locale.ROOT, "`%s` >= %sx DL4J samples/s on %s", subject, Format.plain(factor), w.label());
        Optional<SgdRow> row = sgd(w, subject);
        Optional<SgdRow> peer = bestDl4j(w);
        if (row.isEmpty() || peer.isEmpty()) {
            targets.add(new Target(issue, goal, Status.NOT_MEASURED, missing(row.isEmpty() ? subject : null, peer.isEmpty() ? "dl4j" : null)));
            return;
        }
        double ratio = row.get().samplesPerSecond().mean() / peer.get().samplesPerSecond().mean();
        targets.add(new Target(issue, goal, ratio >= factor ? Status.MET : Status.NOT_MET,
                String.format(Locale.ROOT, "%sx (%s vs %s %s samples/s)", Format.ratio(ratio),
                        Format.number(row.get().samplesPerSecond().mean()), peer.get().subject(),
                        Format.number(peer.get().samplesPerSecond().mean()))));
    }

    private void nd4jEverywhere(List<Workload> suite) {
        String goal = "`nd4j` >= 1.5x DL4J samples/s on every shape";
        List<String> parts = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean allMet = true;
        for (Workload w : suite) {
            Optional<SgdRow> row = sgd(w, "nd4j");
            Optional<SgdRow> peer = bestDl4j(w);
            if (row.isEmpty() || peer.isEmpty()) {
                missing.add(w.label());
                continue;
            }
            double ratio = row.get().samplesPerSecond().mean() / peer.get().samplesPerSecond().mean();
            allMet &= ratio >= 1.5;
            parts.add(w.label() + ": " + Format.ratio(ratio) + "x");
        }
        String measured = String.join("; ", parts) + (missing.isEmpty() ? "" : (parts.isEmpty() ? "" : "; ")
                + "no nd4j or DL4J result for " + String.join(", ", missing));
        Status status = !missing.isEmpty() ? Status.NOT_MEASURED : allMet ? Status.MET : Status.NOT_MET;
        targets.add(new Target("4, 5", goal, status, measured));
    }

    private void widePeak(Workload wide) {
        String goal = "best Nabla backend on " + wide.label() + " >= 60% of the FP32 peak (effective GFLOP/s)";
        Optional<SgdRow> best = sgd.getOrDefault(wide, List.of()).stream().filter(r -> !isDl4j(r.subject()))
                .max(Comparator.comparingDouble(SgdRow::gflops));
        if (best.isEmpty() || peak(DType.FLOAT32, true).isEmpty()) {
            targets.add(new Target("5", goal, Status.NOT_MEASURED,
                    missing(best.isEmpty() ? "a Nabla backend on wide" : null,
                            peak(DType.FLOAT32, true).isEmpty() ? "PeakFlopsBenchmark.float32AllThreads" : null)));
            return;
        }
        SgdRow row = best.get();
        targets.add(new Target("5", goal, row.percentOfPeak() >= 60 ? Status.MET : Status.NOT_MET,
                String.format(Locale.ROOT, "`%s`: %s GFLOP/s = %s%% of %s GFLOP/s", row.subject(),
                        Format.number(row.gflops()), Format.number(row.percentOfPeak()),
                        Format.number(peakFor(DType.FLOAT32, machine.cores)))));
    }

    private void gemmVsYardstick(String issue, List<String> problems, List<String> threads, double factor, String goal) {
        Optional<String> yard = yardstick();
        List<String> parts = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        boolean allMet = true;
        for (String t : threads) {
            for (String p : problems) {
                Optional<GemmRow> cpu = gemm(p, "cpu", t);
                Optional<GemmRow> ref = yard.flatMap(y -> gemm(p, y, t));
                if (cpu.isEmpty() || ref.isEmpty()) {
                    missing.add(p + "@" + t);
                    continue;
                }
                double ratio = cpu.get().gflops().mean() / ref.get().gflops().mean();
                allMet &= ratio >= factor;
                parts.add(p + "@" + threadsLabel(t) + ": " + Format.ratio(ratio) + "x");
            }
        }
        String measured = String.join("; ", parts);
        if (!missing.isEmpty()) {
            measured += (measured.isEmpty() ? "" : "; ") + "no cpu or "
                    + yard.orElse("OpenBLAS (openblas/nd4j)") + " result for " + String.join(", ", missing);
        }
        Status status = !missing.isEmpty() ? Status.NOT_MEASURED : allMet ? Status.MET : Status.NOT_MET;
        targets.add(new Target(issue, goal, status, measured));
    }

    private void gemmOneThreadPeak() {
        String goal = "`cpu` GEMM at 1024^2 on one thread >= 65% of one core's FP32 FMA peak";
        Optional<GemmRow> row = gemm("1024", "cpu", "1");
        Optional<Peak> one = peak(DType.FLOAT32, false);
        if (row.isEmpty() || one.isEmpty()) {
            targets.add(new Target("3", goal, Status.NOT_MEASURED,
                    missing(row.isEmpty() ? "cpu GEMM 1024 on one thread" : null,
                            one.isEmpty() ? "PeakFlopsBenchmark.float32OneThread" : null)));
            return;
        }
        double pct = row.get().percentOfPeak();
        targets.add(new Target("3", goal, pct >= 65 ? Status.MET : Status.NOT_MET,
                String.format(Locale.ROOT, "%s GFLOP/s = %s%% of %s GFLOP/s", Format.number(row.get().gflops().mean()),
                        Format.number(pct), Format.number(one.get().gflops().mean()))));
    }

    String threadsLabel(String threads) {
        return threads.equals("all") ? "all " + machine.cores + " threads" : threads.equals("1") ? "1 thread" : threads + " threads";
    }

    private static String missing(String a, String b) {
        List<String> names = new ArrayList<>();
        if (a != null) {
            names.add(a);
        }
        if (b != null) {
            names.add(b);
        }
        return "no result for " + String.join(" and ", names) + " in this run";
    }
}
