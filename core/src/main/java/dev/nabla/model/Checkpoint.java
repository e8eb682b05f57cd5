package dev.nabla.model;

import dev.nabla.io.AtomicFiles;
import dev.nabla.io.SafeTensorsFile;
import dev.nabla.io.Untrusted;
import dev.nabla.io.SafeTensorsWriter;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue training exactly where an epoch ended: the weights, the SGD
 * velocities (when momentum is on), and the training state. The shuffle order of epoch e depends
 * only on (seed, e), so the RNG state is the seed and the next epoch. Stored as a safetensors file:
 * the network's tensors as in a model file (a checkpoint loads as a model), velocities as
 * {@code optimizer.velocity.layers.{l}.weight|bias}, and the state in {@code __metadata__}
 * ({@code kind} "checkpoint"), including the {@code run_id} that ties the checkpoints of one
 * training run together (null in files written before it existed).
 */
public record Checkpoint(Parameters parameters, Parameters velocities, DType dtype, Loss loss, int epochsDone,
                         long seed, boolean shuffle, double learningRate, double momentum, int batchSize, int rows,
                         String runId) {
    static final String VELOCITY_PREFIX = "optimizer.velocity.";
    private static final java.util.regex.Pattern RUN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

    public Checkpoint {
        if (velocities != null && !java.util.Arrays.equals(velocities.sizes(), parameters.sizes())) {
            throw new IllegalArgumentException("velocities and parameters have different layer sizes");
        }
    }

    /** A new network on {@code backend} holding this checkpoint's weights, dtype and loss; the caller closes it. */
    public Network toNetwork(Backend backend) {
        return new Network(backend, dtype, loss, parameters);
    }

    /** The 0-based epoch training continues with. */
    public int nextEpoch() {
        return epochsDone;
    }

    public void save(Path file) throws IOException {
        AtomicFiles.write(file, this::write);
    }

    public void write(OutputStream out) throws IOException {
        Map<String, String> meta = ModelFile.metadata("checkpoint", parameters, dtype, loss);
        meta.put("epochs_done", Integer.toString(epochsDone));
        meta.put("seed", Long.toString(seed));
        meta.put("shuffle", Boolean.toString(shuffle));
        meta.put("learning_rate", Double.toString(learningRate));
        meta.put("momentum", Double.toString(momentum));
        meta.put("batch_size", Integer.toString(batchSize));
        meta.put("rows", Integer.toString(rows));
        if (runId != null) {
            meta.put("run_id", runId);
        }
        List<SafeTensorsWriter.Tensor> tensors = new ArrayList<>(NetworkTensors.tensors("", parameters, dtype));
        if (velocities != null) {
            tensors.addAll(NetworkTensors.tensors(VELOCITY_PREFIX, velocities, dtype));
        }
        SafeTensorsWriter.write(out, meta, tensors);
    }

    public static Checkpoint load(Path file) throws IOException {
        return fromFile(SafeTensorsFile.read(file));
    }

    public static Checkpoint parse(byte[] bytes, String name) {
        return fromFile(SafeTensorsFile.parse(bytes, name));
    }

    private static Checkpoint fromFile(SafeTensorsFile f) {
        Map<String, String> meta = f.metadata();
        if (!"checkpoint".equals(meta.get("kind"))) {
            throw SafeTensorsFile.bad(f.name(), "not a Nabla checkpoint (__metadata__ kind is "
                    + (meta.containsKey("kind") ? Untrusted.quote(meta.get("kind")) : "missing") + ")");
        }
        ModelFile.Model model = ModelFile.fromFile(f, List.of(VELOCITY_PREFIX));
        if (model.loss() == null) {
            throw SafeTensorsFile.bad(f.name(), "__metadata__ has no loss");
        }
        Parameters velocities = null;
        boolean hasVelocities = f.entries().keySet().stream().anyMatch(n -> n.startsWith(VELOCITY_PREFIX));
        if (hasVelocities) {
            NetworkTensors.Read v = NetworkTensors.read(f, VELOCITY_PREFIX, List.of("layers."));
            if (!java.util.Arrays.equals(v.parameters().sizes(), model.parameters().sizes()) || v.dtype() != model.dtype()) {
                throw SafeTensorsFile.bad(f.name(), "the optimizer velocities do not match the network's shapes and dtype");
            }
            velocities = v.parameters();
        }
        int epochs = (int) integer(f, meta, "epochs_done", 0, Integer.MAX_VALUE);
        long seed = integer(f, meta, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        String shuffle = required(f, meta, "shuffle");
        if (!shuffle.equals("true") && !shuffle.equals("false")) {
            throw SafeTensorsFile.bad(f.name(), "__metadata__ shuffle is " + Untrusted.quote(shuffle) + ", not true or false");
        }
        double lr = real(f, meta, "learning_rate");
        double momentum = real(f, meta, "momentum");
        if (!(lr > 0) || !(momentum >= 0 && momentum < 1) || (momentum > 0) != hasVelocities) {
            throw SafeTensorsFile.bad(f.name(), "inconsistent optimizer state (learning_rate " + lr + ", momentum "
                    + momentum + ", " + (hasVelocities ? "with" : "without") + " velocities)");
        }
        int batch = (int) integer(f, meta, "batch_size", 1, Integer.MAX_VALUE);
        int rows = (int) integer(f, meta, "rows", 1, Integer.MAX_VALUE);
        String runId = meta.get("run_id");
        if (runId != null && !RUN_ID.matcher(runId).matches()) {
            throw SafeTensorsFile.bad(f.name(), "__metadata__ run_id is not 1-64 letters, digits or '-'");
        }
        return new Checkpoint(model.parameters(), velocities, model.dtype(), model.loss(), epochs, seed,
                Boolean.parseBoolean(shuffle), lr, momentum, batch, rows, runId);
    }

    private static String required(SafeTensorsFile f, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw SafeTensorsFile.bad(f.name(), "__metadata__ has no " + key + " (not a complete checkpoint)");
        }
        return v;
    }

    private static long integer(SafeTensorsFile f, Map<String, String> meta, String key, long min, long max) {
        String v = required(f, meta, key);
        try {
            long x = Long.parseLong(v);
            if (x < min || x > max) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw SafeTensorsFile.bad(f.name(), "__metadata__ " + key + " is " + Untrusted.quote(v) + ", not an integer in ["
                    + min + ", " + max + "]");
        }
    }

    private static double real(SafeTensorsFile f, Map<String, String> meta, String key) {
        String v = required(f, meta, key);
        try {
            double x = Double.parseDouble(v);
            if (!Double.isFinite(x)) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw SafeTensorsFile.bad(f.name(), "__metadata__ " + key + " is " + Untrusted.quote(v) + ", not a finite number");
        }
    }
}
