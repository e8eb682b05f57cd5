package dev.nabla.model;

import dev.nabla.io.AtomicFiles;
import dev.nabla.io.SafeTensorsFile;
import dev.nabla.io.Untrusted;
import dev.nabla.io.SafeTensorsWriter;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained network as a safetensors file (docs/design.md, "Model files"): tensors
 * {@code layers.{l}.weight} [out, in] and {@code layers.{l}.bias} [out] in little-endian F32 or
 * F64, and {@code __metadata__} with {@code format} "nabla", {@code format_version},
 * {@code kind} "model", {@code layer_sizes}, {@code activation} "sigmoid", {@code loss} and
 * {@code dtype}. Loading one never runs code: it is validated numbers only.
 *
 * <p>Saving refuses a network whose weights are not finite in its dtype
 * ({@link IllegalArgumentException}) and writes atomically ({@link AtomicFiles}); loading refuses
 * a malformed file, one that is not a Nabla network, or one holding NaN or infinite weights
 * ({@link dev.nabla.io.ModelFormatException}, naming the file and the problem).
 * <pre>{@code
 * ModelFile.save(Path.of("xor.safetensors"), net);
 * try (Network loaded = ModelFile.load(Path.of("xor.safetensors"), backend)) { ... }
 * }</pre>
 */
public final class ModelFile {
    /** The {@code format} metadata value of Nabla's files: {@value}. */
    public static final String FORMAT = "nabla";
    /** The {@code format_version} this Nabla writes and reads: {@value}. */
    public static final String FORMAT_VERSION = "1";

    /**
     * A model read from a file, on the host.
     *
     * @param parameters the weights and biases, in float64 (exact for both dtypes)
     * @param dtype the dtype the file stores them in
     * @param loss the loss the network was trained for; null when the file does not say (a foreign file)
     * @param metadata the file's {@code __metadata__}, unmodifiable
     */
    public record Model(Parameters parameters, DType dtype, Loss loss, Map<String, String> metadata) {
    }

    private ModelFile() {
    }

    /**
     * Saves {@code network} (its weights, in its dtype, and its loss) to {@code file}, atomically:
     * a crash mid-write leaves the old file or none, never a truncated one.
     *
     * @param file the file to write
     * @param network the network to save
     * @throws IllegalArgumentException if a weight is not finite in the network's dtype
     * @throws IOException if writing fails; the message names the file
     */
    public static void save(Path file, Network network) throws IOException {
        save(file, network.parameters(), network.dtype(), network.loss());
    }

    /**
     * Loads a model file into a new network on {@code backend}, in the file's dtype, trained for the
     * file's loss (mse when the file does not say). The caller closes the network. A checkpoint
     * loads too (its network part).
     *
     * @param file the model file
     * @param backend the backend to put the network on
     * @return a new network
     * @throws dev.nabla.io.ModelFormatException if the file is malformed or not a Nabla network
     * @throws IllegalArgumentException if the backend does not support the file's dtype
     * @throws IOException if reading fails
     */
    public static Network load(Path file, Backend backend) throws IOException {
        Model m = read(file);
        return new Network(backend, m.dtype(), m.loss() != null ? m.loss() : Loss.MSE, m.parameters());
    }

    /**
     * Writes {@code p} atomically to {@code file}, its values stored in {@code dtype}.
     *
     * @param file the file to write
     * @param p the parameters
     * @param dtype F32 or F64 in the file
     * @param loss the loss recorded in the metadata
     * @throws IllegalArgumentException if a value is not finite in {@code dtype}
     * @throws IOException if writing fails
     */
    public static void save(Path file, Parameters p, DType dtype, Loss loss) throws IOException {
        AtomicFiles.write(file, out -> write(out, p, dtype, loss));
    }

    /**
     * The file's bytes, to a stream (not closed).
     *
     * @param out the stream
     * @param p the parameters
     * @param dtype F32 or F64 in the file
     * @param loss the loss recorded in the metadata
     * @throws IllegalArgumentException if a value is not finite in {@code dtype}
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, Parameters p, DType dtype, Loss loss) throws IOException {
        SafeTensorsWriter.write(out, metadata("model", p, dtype, loss), NetworkTensors.tensors("", p, dtype));
    }

    static Map<String, String> metadata(String kind, Parameters p, DType dtype, Loss loss) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("kind", kind);
        m.put("layer_sizes", sizesText(p.sizes()));
        m.put("activation", "sigmoid");
        m.put("loss", loss.toString());
        m.put("dtype", dtype.toString());
        return m;
    }

    /**
     * Reads and validates a model file (a checkpoint reads too: its network part), without a backend.
     *
     * @param file the model file
     * @return the model on the host
     * @throws dev.nabla.io.ModelFormatException if the file is malformed or not a Nabla network
     * @throws dev.nabla.io.MemoryLimitException if it would not fit in memory
     * @throws IOException if reading fails
     */
    public static Model read(Path file) throws IOException {
        return fromFile(SafeTensorsFile.read(file), List.of(Checkpoint.VELOCITY_PREFIX));
    }

    /**
     * Validates an in-memory file (tests and fuzzing).
     *
     * @param bytes the file's bytes
     * @param name names the file in messages
     * @return the model on the host
     * @throws dev.nabla.io.ModelFormatException if the bytes are malformed or not a Nabla network
     */
    public static Model parse(byte[] bytes, String name) {
        return fromFile(SafeTensorsFile.parse(bytes, name), List.of(Checkpoint.VELOCITY_PREFIX));
    }

    static Model fromFile(SafeTensorsFile f, List<String> otherPrefixes) {
        Map<String, String> meta = f.metadata();
        String format = meta.get("format");
        if (format != null && !format.equals(FORMAT)) {
            throw SafeTensorsFile.bad(f.name(), "__metadata__ format is " + Untrusted.quote(format) + ", not '" + FORMAT + "'");
        }
        String version = meta.get("format_version");
        if (version != null && !version.equals(FORMAT_VERSION)) {
            throw SafeTensorsFile.bad(f.name(), "format_version " + Untrusted.quote(version) + " (this Nabla reads version "
                    + FORMAT_VERSION + "; a newer Nabla wrote it?)");
        }
        String activation = meta.get("activation");
        if (activation != null && !activation.equals("sigmoid")) {
            throw SafeTensorsFile.bad(f.name(), "activation " + Untrusted.quote(activation) + " (Nabla networks are sigmoid)");
        }
        NetworkTensors.Read read = NetworkTensors.read(f, "", otherPrefixes);
        NetworkTensors.checkMetadata(f, meta, "layer_sizes", sizesText(read.parameters().sizes()));
        NetworkTensors.checkMetadata(f, meta, "dtype", read.dtype().toString());
        Loss loss = null;
        if (meta.containsKey("loss")) {
            try {
                loss = Loss.parse(meta.get("loss"));
            } catch (IllegalArgumentException e) {
                throw SafeTensorsFile.bad(f.name(), "__metadata__ loss " + Untrusted.quote(meta.get("loss")) + " is not mse or bce");
            }
        }
        return new Model(read.parameters(), read.dtype(), loss, meta);
    }

    static String sizesText(int[] sizes) {
        return LayerSizes.format(sizes).replace('-', ',');
    }
}
