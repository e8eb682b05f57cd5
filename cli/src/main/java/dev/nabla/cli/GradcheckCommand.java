package dev.nabla.cli;

import dev.nabla.check.GradientCrossCheck;
import dev.nabla.check.GradientCrossCheck.Comparison;
import dev.nabla.nn.LayerSizes;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Computes the same gradients on several backends and compares them tensor by tensor. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Copy one network and one mini-batch into several backends, compute the loss and every "
                + "gradient on each, and print per tensor the largest relative difference from the first backend, "
                + "judged against the tolerances of docs/design.md (float64 1e-12, float32 1e-5). Exits 1 if any exceeds it.")
final class GradcheckCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--backends", defaultValue = "reference,cpu,nd4j",
            description = "Comma-separated backend ids; the first is the baseline (default: ${DEFAULT-VALUE}).")
    String backendList;

    @Option(names = "--layers", defaultValue = "8,16,4", description = "Layer sizes (default: ${DEFAULT-VALUE}).")
    String layersText;

    @Option(names = "--batch", defaultValue = "16", description = "Mini-batch rows (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--dtype", converter = Converters.DTypeConverter.class, defaultValue = "float64",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--loss", converter = Converters.LossConverter.class, defaultValue = "mse",
            description = "mse or bce (default: ${DEFAULT-VALUE}).")
    Loss loss;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of weights and batch (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int[] layers = LayerSizes.parse(layersText);
        List<String> ids = new ArrayList<>();
        for (String id : backendList.split(",")) {
            if (!id.isBlank()) {
                ids.add(id.trim());
            }
        }
        Backends installed = Backends.installed();
        List<Backend> backends = new ArrayList<>();
        try {
            for (String id : ids) {
                backends.add(installed.create(id, BackendOptions.defaults()));
            }
            GradientCrossCheck.Report report = GradientCrossCheck.run(backends, layers, batch, dtype, loss, seed);
            print(out, report, layers);
            return report.passed() ? Nabla.EXIT_OK : Nabla.EXIT_TRAINING_FAILED;
        } finally {
            for (Backend b : backends) {
                b.close();
            }
        }
    }

    private void print(PrintWriter out, GradientCrossCheck.Report report, int[] layers) {
        List<String> names = report.backends();
        out.printf(Locale.ROOT, "gradcheck %s, batch %d, %s, %s loss, seed %d: each tensor's largest |difference| "
                        + "from %s, relative to its largest |value|; tolerance %.0e%n",
                LayerSizes.format(layers), batch, dtype, loss, seed, names.get(0),
                report.comparisons().get(0).tolerance());
        StringBuilder losses = new StringBuilder("loss:");
        double[] values = report.losses();
        for (int i = 0; i < names.size(); i++) {
            losses.append(String.format(Locale.ROOT, "  %s %.17g", names.get(i), values[i]));
        }
        out.println(losses);
        Map<String, Map<String, Comparison>> byTensor = new LinkedHashMap<>();
        for (Comparison c : report.comparisons()) {
            byTensor.computeIfAbsent(c.tensor(), k -> new LinkedHashMap<>()).put(c.backend(), c);
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-18s", "tensor"));
        for (int i = 1; i < names.size(); i++) {
            header.append(String.format(Locale.ROOT, "  %-18s", names.get(i)));
        }
        out.println(header);
        int failures = 0;
        for (Map.Entry<String, Map<String, Comparison>> row : byTensor.entrySet()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-18s", row.getKey()));
            for (int i = 1; i < names.size(); i++) {
                Comparison c = row.getValue().get(names.get(i));
                line.append(String.format(Locale.ROOT, "  %-9.2e %-8s", c.relativeDifference(), c.passed() ? "ok" : "FAIL"));
                failures += c.passed() ? 0 : 1;
            }
            out.println(line);
        }
        out.println(failures == 0 ? "PASS: every tensor agrees within the tolerance"
                : "FAIL: " + failures + " comparison(s) exceed the tolerance");
        out.flush();
    }
}
