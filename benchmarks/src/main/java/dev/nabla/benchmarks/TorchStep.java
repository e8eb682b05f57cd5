package dev.nabla.benchmarks;

import dev.nabla.bench.TrainingStep;
import dev.nabla.bench.Workload;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PyTorch peer: the same SGD step in PyTorch eager on the CPU, run by {@code
 * benchmarks/peers/torch_step.py --serve} in a Python process of its own. The script builds the
 * network from Nabla's initial weights and batch (it reproduces java.util.SplittableRandom), with
 * {@code nn.Linear} + sigmoid layers, the same mse and {@code torch.optim.SGD} at the same learning
 * rate; each {@link #run} asks it for one step over a pipe.
 *
 * <p>The requests are pipelined: one more step is always requested than has been answered, so the
 * Python process never waits on the pipe and the rate measured is that of torch's own step loop; the
 * pipe's round trip overlaps a step instead of adding to it. {@link #run} returns the loss of the
 * step before (JMH only consumes it).
 *
 * <p>Subject ids: {@code torch} (torch's default threads, one per core) or {@code torch-N} (N
 * threads, {@code torch.set_num_threads}). The script is found from the working directory or the
 * jar's location ({@link #script}). The Python is {@code -Dnabla.torch.python}, else
 * {@code NABLA_TORCH_PYTHON}, else the venv {@code benchmarks/peers/setup-torch.sh} creates
 * ({@code benchmarks/peers/.venv}, looked for from the working directory and next to the benchmarks
 * jar), else {@code python3} on the PATH. Without one that imports torch the benchmark is skipped with
 * the reason.
 */
final class TorchStep implements TrainingStep {
    static final String ID = "torch";
    private static final Pattern THREADS = Pattern.compile("torch(?:-(\\d+))?");

    private final Workload workload;
    private final Process process;
    private final OutputStream requests;
    private final DataInputStream replies;
    private final String description;
    private final double firstLoss;
    private boolean primed;

    static boolean isTorch(String id) {
        return id.equals(ID) || id.startsWith(ID + "-");
    }

    /** Threads requested by the id: 0 for torch's default. */
    static int threads(String id) {
        Matcher m = THREADS.matcher(id.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a torch subject: expected torch or torch-N");
        }
        return m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    }

    /** Starts the Python process for {@code workload}; a missing Python or torch becomes a {@link SkippedBenchmark}. */
    TorchStep(Workload workload, String id) {
        this.workload = workload;
        int threads = threads(id);
        String python = findPython();
        Path script = script();
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--serve",
                "--layers", String.join("-", java.util.Arrays.stream(workload.sizes()).mapToObj(Integer::toString)
                        .toArray(String[]::new)),
                "--batch", Integer.toString(workload.batch()), "--dtype", workload.dtype().toString()));
        if (threads > 0) {
            command.addAll(List.of("--threads", Integer.toString(threads)));
        }
        try {
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new SkippedBenchmark("PyTorch peer: cannot start " + python + ": " + e.getMessage());
        }
        requests = process.getOutputStream();
        InputStream in = process.getInputStream();
        String config;
        try {
            config = readLine(in);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new UncheckedIOException(e);
        }
        if (config == null || !config.startsWith("{")) {
            process.destroyForcibly();
            throw new IllegalStateException("PyTorch peer: " + script + " --serve printed no configuration"
                    + " (its stderr is in the log): " + config);
        }
        replies = new DataInputStream(in);
        firstLoss = Double.parseDouble(field(config, "first_loss"));
        description = "PyTorch " + field(config, "torch") + " eager (python " + field(config, "python") + "), "
                + field(config, "threads") + " thread(s), " + field(config, "parallel") + ", BLAS "
                + field(config, "blas") + ", mkldnn available " + field(config, "mkldnn_available")
                + ", CPU capability " + field(config, "cpu_capability");
    }

    /** The loss of the first step, taken before any {@link #run}: for checking the peer against Nabla. */
    double firstLoss() {
        return firstLoss;
    }

    @Override
    public int batch() {
        return workload.batch();
    }

    @Override
    public double run() {
        try {
            if (!primed) {
                // One request ahead: the reply read below is always that of the step before.
                requests.write('s');
                primed = true;
            }
            requests.write('s');
            requests.flush();
            byte[] eight = new byte[8];
            replies.readFully(eight);
            return ByteBuffer.wrap(eight).order(ByteOrder.LITTLE_ENDIAN).getDouble();
        } catch (IOException e) {
            throw new UncheckedIOException("PyTorch peer: the Python process stopped answering", e);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        try {
            requests.write('q');
            requests.close();
        } catch (IOException ignored) {
            // the process is gone already
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ finding Python and the script

    /** The Python that imports torch, or a {@link SkippedBenchmark} naming what was tried. */
    static String findPython() {
        Set<String> candidates = new LinkedHashSet<>();
        String property = System.getProperty("nabla.torch.python");
        String env = System.getenv("NABLA_TORCH_PYTHON");
        if (property != null && !property.isBlank()) {
            candidates.add(property);
        } else if (env != null && !env.isBlank()) {
            candidates.add(env);
        } else {
            for (Path dir : venvLocations()) {
                Path python = dir.resolve("bin").resolve("python");
                if (Files.isExecutable(python)) {
                    candidates.add(python.toString());
                }
            }
            candidates.add("python3");
        }
        List<String> reasons = new ArrayList<>();
        for (String python : candidates) {
            String reason = probe(python);
            if (reason == null) {
                return python;
            }
            reasons.add(python + ": " + reason);
        }
        throw new SkippedBenchmark("PyTorch peer: no Python with torch (" + String.join("; ", reasons)
                + "); run benchmarks/peers/setup-torch.sh, or point -Dnabla.torch.python / NABLA_TORCH_PYTHON at one");
    }

    private static List<Path> venvLocations() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(Paths.get("benchmarks", "peers", ".venv").toAbsolutePath());
        dirs.add(Paths.get("peers", ".venv").toAbsolutePath());
        try {
            Path jar = Paths.get(TorchStep.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // benchmarks/target/benchmarks.jar (or target/classes) -> benchmarks/peers/.venv
            dirs.add(jar.getParent().getParent().resolve("peers").resolve(".venv"));
        } catch (Exception ignored) {
            // no code source: the working-directory guesses remain
        }
        return dirs;
    }

    /** null when {@code python} imports torch, else why not (one line). */
    private static String probe(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "'import torch' did not finish in 2 minutes";
            }
            if (p.exitValue() == 0) {
                return null;
            }
            String[] lines = out.split("\n");
            return lines[lines.length - 1];
        } catch (IOException e) {
            return "cannot run it (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * torch_step.py: -Dnabla.torch.script, else benchmarks/peers/torch_step.py from the working
     * directory (the repository root) or next to the benchmarks jar (benchmarks/target/benchmarks.jar).
     */
    static Path script() {
        String property = System.getProperty("nabla.torch.script");
        List<Path> candidates = new ArrayList<>();
        if (property != null && !property.isBlank()) {
            candidates.add(Paths.get(property));
        } else {
            candidates.add(Paths.get("benchmarks", "peers", "torch_step.py"));
            candidates.add(Paths.get("peers", "torch_step.py"));
            for (Path venv : venvLocations()) {
                candidates.add(venv.getParent().resolve("torch_step.py"));
            }
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new SkippedBenchmark("PyTorch peer: torch_step.py not found (looked at " + candidates
                + "); run from the repository root or pass -Dnabla.torch.script");
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }

    /** A top-level field of the script's one-line JSON (strings, numbers and booleans), as text. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]+)").matcher(json);
        if (!m.find()) {
            return "?";
        }
        return m.group(2) != null ? m.group(2) : m.group(1).trim();
    }
}
