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
 *
 * <p>{@code TrainingRun} writes and reads checkpoints itself (its {@code checkpointDir} and
 * {@code resumeFrom}); use this class to inspect one or to write a training loop of your own.
 *
 * @param parameters the network's weights and biases
 * @param velocities the SGD momentum buffers, with the parameters' layer sizes; null without momentum
 * @param dtype the network's dtype, in which the tensors are stored
 * @param loss the loss the network is trained for
 * @param epochsDone the epochs completed, at least 0: the 0-based epoch training continues with
 * @param seed the run's seed (shuffle order)
 * @param shuffle whether the run shuffles each epoch
 * @param learningRate the SGD learning rate
 * @param momentum the SGD momentum, in [0, 1)
 * @param batchSize the mini-batch size
 * @param rows the number of training rows, to check a resumed run uses the same data
 * @param runId the id shared by the run's checkpoints (1 to 64 letters, digits or '-'); null in old files
 */
public record Checkpoint(Parameters parameters, Parameters velocities, DType dtype, Loss loss, int epochsDone,
                         long seed, boolean shuffle, double learningRate, double momentum, int batchSize, int rows,
                         String runId) {
    static final String VELOCITY_PREFIX = "optimizer.velocity.";
    private static final java.util.regex.Pattern RUN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9-]{1,64}");

    /**
     * Checks that the velocities match the parameters (nothing else is checked here; loading checks
     * the rest).
     *
     * @param parameters the network's weights and biases
     * @param velocities the momentum buffers, or null
     * @param dtype the network's dtype
     * @param loss the loss
     * @param epochsDone the epochs completed
     * @param seed the run's seed
     * @param shuffle whether the run shuffles
     * @param learningRate the learning rate
     * @param momentum the momentum
     * @param batchSize the mini-batch size
     * @param rows the number of training rows
     * @param runId the run's id, or null
     * @throws IllegalArgumentException if the velocities' layer sizes differ from the parameters'
     */
    public Checkpoint {
        if (velocities != null && !java.util.Arrays.equals(velocities.sizes(), parameters.sizes())) {
            throw new IllegalArgumentException("velocities and parameters have different layer sizes");
        }
    }

    /**
     * A new network on {@code backend} holding this checkpoint's weights, dtype and loss; the caller closes it.
     *
     * @param backend the backend to put the network on
     * @return a new network
     */
    public Network toNetwork(Backend backend) {
        return new Network(backend, dtype, loss, parameters);
    }

    /**
     * The 0-based epoch training continues with.
     *
     * @return {@link #epochsDone()}
     */
    public int nextEpoch() {
        return epochsDone;
    }

    /**
     * Writes this checkpoint to {@code file} atomically ({@link AtomicFiles#write}).
     *
     * @param file the file to write
     * @throws IllegalArgumentException if a weight or velocity is not finite in the dtype
     * @throws IOException if writing fails
     */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, this::write);
    }

    /**
     * Writes this checkpoint's bytes to a stream (not closed).
     *
     * @param out the stream
     * @throws IllegalArgumentException if a weight or velocity is not finite in the dtype
     * @throws IOException if writing fails
     */
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

    /**
     * Reads and validates a checkpoint file: the network as {@link ModelFile#read} checks it, then
     * the velocities and every training-state field.
     *
     * @param file the checkpoint file
     * @return the checkpoint
     * @throws dev.nabla.io.ModelFormatException if the file is malformed, a model rather than a
     *     checkpoint, or its state is incomplete or inconsistent
     * @throws IOException if reading fails
     */
    public static Checkpoint load(Path file) throws IOException {
        return fromFile(SafeTensorsFile.read(file));
    }

    /**
     * Validates an in-memory checkpoint (tests and fuzzing).
     *
     * @param bytes the file's bytes
     * @param name names the file in messages
     * @return the checkpoint
     * @throws dev.nabla.io.ModelFormatException if the bytes are malformed or not a complete checkpoint
     */
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
