package dev.nabla.cli;

import dev.nabla.bench.SgdStep;
import dev.nabla.bench.StepTimer;
import dev.nabla.bench.Workload;
import dev.nabla.nn.LayerSizes;
import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * A quick SGD-step timing of the backends on one network: the JMH harness's step
 * ({@link SgdStep}), timed by {@link StepTimer} for a few seconds per backend.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time a few seconds of mini-batch SGD steps (forward, loss, backward, update) on each "
                + "available backend and compare them. A quick look, not a benchmark: for real numbers "
                + "(forked JVMs, warm-up, error bars, the DL4J peer, GEMM, %% of the machine's peak) run the "
                + "JMH harness, java -jar benchmarks/target/benchmarks.jar (see benchmarks/README.md)."})
final class BenchCommand implements Callable<Integer> {
    static final String HARNESS_HINT = "for real numbers (forks, warm-up, error bars, the DL4J peer, GEMM, "
            + "% of peak): java -jar benchmarks/target/benchmarks.jar, see benchmarks/README.md";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--layers", defaultValue = "mnist",
            description = "Network shape: tiny (1-1-1), mnist (784-256-256-10), wide (1024-4096-4096-1024) "
                    + "or layer sizes such as 784,256,10 (default: ${DEFAULT-VALUE}).")
    String layersText;

    @Option(names = "--batch", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--dtype", converter = Converters.DTypeConverter.class, defaultValue = "float32",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--backends", split = ",", paramLabel = "ID",
            description = "Backends to time, e.g. reference,cpu (default: every available backend).")
    List<String> backendIds;

    @Option(names = "--threads", defaultValue = "0",
            description = "Threads for backends that use several (default: each backend's own default).")
    int threads;

    @Option(names = "--seconds", defaultValue = "3",
            description = "Seconds of timed steps per backend, after a warm-up of a third of that (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--json", description = "Print one JSON object per backend (backend, layers, batch, dtype, "
            + "samples_per_s) instead of the table.")
    boolean json;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;

    /** One backend's timing. */
    record Row(String backend, String description, StepTimer.Measurement measurement, String note) {
    }

    private static final int ROUNDS = 5;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        if (!(seconds > 0) || seconds > 600) {
            throw new IllegalArgumentException("--seconds must be in (0, 600], got " + seconds);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0 (0 = each backend's default), got " + threads);
        }
        BackendOptions.checkThreads("--threads", threads);
        Workload workload = new Workload(Workload.shape(layersText), batch, dtype);
        Backends backends = Backends.installed();
        List<String> ids = chosenBackends(backends, err);
        if (!json) {
            out.printf(Locale.ROOT, "nabla bench: %s, MSE loss, plain SGD; %s s per backend after a warm-up%n",
                    workload.label(), Format.seconds(seconds));
            out.flush();
        }
        List<Row> rows = new ArrayList<>();
        for (String id : ids) {
            Row row = time(backends, id, workload);
            rows.add(row);
            if (json) {
                out.println(jsonLine(row, workload));
                out.flush();
            }
        }
        if (!json) {
            printTable(out, rows, workload);
        }
        return Nabla.EXIT_OK;
    }

    /** The backends asked for (each must exist and be available), or every available one. */
    private List<String> chosenBackends(Backends backends, PrintWriter err) {
        if (backendIds != null && !backendIds.isEmpty()) {
            List<String> ids = new ArrayList<>();
            for (String id : backendIds) {
                BackendProvider p = backends.provider(id);
                Availability a = p.availability();
                if (!a.isAvailable()) {
                    throw new IllegalStateException("backend '" + p.id() + "' is unavailable: " + a.reason());
                }
                if (!ids.contains(p.id())) {
                    ids.add(p.id());
                }
            }
            return ids;
        }
        for (BackendProvider p : backends.providers()) {
            if (!p.availability().isAvailable()) {
                err.println("nabla: skipping backend '" + p.id() + "': " + p.availability().reason());
            }
        }
        err.flush();
        List<String> ids = backends.availableIds();
        if (ids.isEmpty()) {
            throw new IllegalStateException("no backend is available to benchmark (see `nabla backends`)");
        }
        return ids;
    }

    private Row time(Backends backends, String id, Workload workload) {
        long roundNanos = (long) (seconds * 1e9 / ROUNDS);
        try (Backend backend = backends.create(id, BackendOptions.defaults().withThreads(threads));
             SgdStep step = new SgdStep(backend, workload)) {
            // Warm up for a third of the time (at least one step); the fastest warm-up step sizes the
            // timing, so a backend whose step outlasts a round gets fewer rounds instead of minutes.
            StepTimer timer = new StepTimer();
            long warmStep = timer.warmUp(step, (long) (seconds * 1e9 / 3));
            int rounds = ROUNDS;
            String note = "";
            if (warmStep > roundNanos) {
                rounds = (int) Math.max(1, Math.min(ROUNDS, (long) (seconds * 1e9) / warmStep));
                note = String.format(Locale.ROOT, "one step takes ~%s s: %d round(s) of one step",
                        Format.seconds(warmStep / 1e9), rounds);
            }
            StepTimer.Measurement m = timer.measure(step, 0, roundNanos, rounds);
            if (!Double.isFinite(m.lastLoss())) {
                throw new IllegalStateException("backend '" + id + "' computed a non-finite loss " + m.lastLoss()
                        + " on " + workload.label());
            }
            return new Row(id, backend.description(), m, note);
        }
    }

    private void printTable(PrintWriter out, List<Row> rows, Workload workload) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble((Row r) -> r.measurement().samplesPerSecond()).reversed());
        double slowest = sorted.get(sorted.size() - 1).measurement().samplesPerSecond();
        int width = Math.max(7, sorted.stream().mapToInt(r -> r.backend().length()).max().orElse(7));
        out.printf(Locale.ROOT, "%-" + width + "s  %14s  %11s  %9s  %7s  %s%n", "BACKEND", "SAMPLES/S", "STEP TIME",
                "RELATIVE", "SPREAD", "DESCRIPTION");
        for (Row r : sorted) {
            StepTimer.Measurement m = r.measurement();
            double spread = (m.fastestRound() - m.slowestRound()) / m.samplesPerSecond() * 100;
            out.printf(Locale.ROOT, "%-" + width + "s  %,14.0f  %11s  %8sx  %6.0f%%  %s%s%n", r.backend(), m.samplesPerSecond(),
                    Format.duration(workload.batch() / m.samplesPerSecond()), Format.ratio(m.samplesPerSecond() / slowest),
                    spread, r.description(), r.note().isEmpty() ? "" : " (" + r.note() + ")");
        }
        out.println("RELATIVE = samples/s over the slowest backend's; SPREAD = the range of the timed rounds "
                + "over their median.");
        out.println("This is a quick timing on whatever else the machine is doing; " + HARNESS_HINT + ".");
        out.flush();
    }

    static String jsonLine(Row row, Workload workload) {
        String layers = java.util.Arrays.stream(workload.sizes()).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
        return String.format(Locale.ROOT, "{\"backend\":\"%s\",\"layers\":[%s],\"batch\":%d,\"dtype\":\"%s\",\"samples_per_s\":%.1f}",
                escape(row.backend()), layers, workload.batch(), workload.dtype(), row.measurement().samplesPerSecond());
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Small number formats for the table. */
    static final class Format {
        private Format() {
        }

        static String seconds(double s) {
            return s >= 10 ? String.format(Locale.ROOT, "%.0f", s) : String.format(Locale.ROOT, "%.2g", s);
        }

        static String duration(double s) {
            if (s >= 1) {
                return String.format(Locale.ROOT, "%.2f s", s);
            }
            if (s >= 1e-3) {
                return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
            }
            return String.format(Locale.ROOT, "%.1f us", s * 1e6);
        }

        static String ratio(double r) {
            return r >= 100 ? String.format(Locale.ROOT, "%,.0f", r) : String.format(Locale.ROOT, "%.2f", r);
        }
    }
}
