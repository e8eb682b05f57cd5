package dev.nabla.model;

import dev.nabla.io.SafeTensorsFile;
import dev.nabla.io.Untrusted;
import dev.nabla.io.SafeTensorsWriter;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tensors of a network in a safetensors file: {@code PREFIX layers.{l}.weight} [out, in] and
 * {@code PREFIX layers.{l}.bias} [out], all of one dtype (F32 or F64), chaining into valid layer
 * sizes.
 */
final class NetworkTensors {
    /** The most layers a file may describe. */
    static final int MAX_LAYERS = 10_000;
    private static final Pattern NAME = Pattern.compile("layers\\.(0|[1-9][0-9]{0,8})\\.(weight|bias)");

    private NetworkTensors() {
    }

    static String dtypeName(DType dtype) {
        return dtype == DType.FLOAT32 ? "F32" : "F64";
    }

    /**
     * The tensors to write. A value that is not finite in {@code dtype} (NaN, an infinity, or a
     * float64 beyond float32's range written as F32) is refused: the file could not be loaded
     * again, and writing it would replace a good file with a useless one.
     */
    static List<SafeTensorsWriter.Tensor> tensors(String prefix, Parameters p, DType dtype) {
        List<SafeTensorsWriter.Tensor> list = new ArrayList<>();
        String dt = dtypeName(dtype);
        for (int l = 0; l < p.layers(); l++) {
            requireFinite(prefix + "layers." + l + ".weight", p.weight(l), dtype);
            requireFinite(prefix + "layers." + l + ".bias", p.bias(l), dtype);
            list.add(new SafeTensorsWriter.Tensor(prefix + "layers." + l + ".weight", dt,
                    new long[] {p.outputs(l), p.inputs(l)}, p.weight(l)));
            list.add(new SafeTensorsWriter.Tensor(prefix + "layers." + l + ".bias", dt,
                    new long[] {p.outputs(l)}, p.bias(l)));
        }
        return list;
    }

    private static void requireFinite(String name, double[] values, DType dtype) {
        for (int i = 0; i < values.length; i++) {
            double v = dtype == DType.FLOAT32 ? (float) values[i] : values[i];
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("tensor " + name + " holds " + v + " at index " + i
                        + (Double.isFinite(values[i]) ? " (" + values[i] + " is beyond " + dtype + ")" : "")
                        + ": a network with non-finite weights is not written (it could not be loaded)");
            }
        }
    }

    /** What {@link #read} found: the parameters and their dtype. */
    record Read(Parameters parameters, DType dtype) {
    }

    /**
     * Reads the network under {@code prefix}; every tensor of the file must either be under one of
     * {@code otherPrefixes} (read by someone else) or be this network's.
     */
    static Read read(SafeTensorsFile f, String prefix, List<String> otherPrefixes) {
        String file = f.name();
        TreeMap<Integer, SafeTensorsFile.Entry> weights = new TreeMap<>();
        TreeMap<Integer, SafeTensorsFile.Entry> biases = new TreeMap<>();
        String dtype = null;
        for (SafeTensorsFile.Entry e : f.entries().values()) {
            String name = e.name();
            if (otherPrefixes.stream().anyMatch(name::startsWith)) {
                continue; // another part of the file (e.g. a checkpoint's optimizer state)
            }
            if (!name.startsWith(prefix)) {
                throw SafeTensorsFile.bad(file, "unexpected tensor " + Untrusted.quote(name) + " (a Nabla network holds "
                        + prefix + "layers.{l}.weight and " + prefix + "layers.{l}.bias)");
            }
            Matcher m = NAME.matcher(name.substring(prefix.length()));
            if (!m.matches()) {
                throw SafeTensorsFile.bad(file, "unexpected tensor " + Untrusted.quote(name) + " (a Nabla network holds "
                        + prefix + "layers.{l}.weight and " + prefix + "layers.{l}.bias)");
            }
            int layer = Integer.parseInt(m.group(1));
            if (layer >= MAX_LAYERS) {
                throw SafeTensorsFile.bad(file, "tensor " + Untrusted.quote(name) + ": more than " + MAX_LAYERS + " layers");
            }
            if (!e.dtype().equals("F32") && !e.dtype().equals("F64")) {
                throw SafeTensorsFile.bad(file, "tensor " + Untrusted.quote(name) + " is " + e.dtype() + "; Nabla networks are F32 or F64");
            }
            if (dtype == null) {
                dtype = e.dtype();
            } else if (!dtype.equals(e.dtype())) {
                throw SafeTensorsFile.bad(file, "tensor " + Untrusted.quote(name) + " is " + e.dtype() + " but others are " + dtype
                        + " (a network has one dtype)");
            }
            (m.group(2).equals("weight") ? weights : biases).put(layer, e);
        }
        if (weights.isEmpty()) {
            throw SafeTensorsFile.bad(file, "no " + prefix + "layers.0.weight tensor: not a Nabla network");
        }
        int layers = weights.size();
        int[] sizes = new int[layers + 1];
        for (int l = 0; l < layers; l++) {
            SafeTensorsFile.Entry w = weights.get(l);
            SafeTensorsFile.Entry b = biases.get(l);
            if (w == null) {
                throw SafeTensorsFile.bad(file, "missing tensor " + prefix + "layers." + l + ".weight (layers must be "
                        + "numbered 0.." + (layers - 1) + ")");
            }
            if (b == null) {
                throw SafeTensorsFile.bad(file, "missing tensor " + prefix + "layers." + l + ".bias");
            }
            long[] ws = w.shape();
            if (ws.length != 2 || ws[0] < 1 || ws[1] < 1 || ws[0] > Integer.MAX_VALUE || ws[1] > Integer.MAX_VALUE) {
                throw SafeTensorsFile.bad(file, w.name() + " has shape " + w.shapeText()
                        + "; a weight is [out, in] with both positive");
            }
            long[] bs = b.shape();
            if (bs.length != 1 || bs[0] != ws[0]) {
                throw SafeTensorsFile.bad(file, b.name() + " has shape " + b.shapeText() + " but " + w.name()
                        + " is " + w.shapeText() + " (the bias must be [" + ws[0] + "])");
            }
            if (l == 0) {
                sizes[0] = (int) ws[1];
            } else if (ws[1] != sizes[l]) {
                throw SafeTensorsFile.bad(file, "shapes do not chain: " + w.name() + " is " + w.shapeText()
                        + " but layer " + (l - 1) + " has " + sizes[l] + " outputs");
            }
            sizes[l + 1] = (int) ws[0];
            if ((long) sizes[l + 1] * sizes[l] > SafeTensorsFile.MAX_FILE_BYTES) {
                throw SafeTensorsFile.bad(file, w.name() + " " + w.shapeText() + " is too large");
            }
        }
        if (biases.size() != layers) {
            int extra = biases.lastKey();
            throw SafeTensorsFile.bad(file, "tensor " + prefix + "layers." + extra + ".bias has no weight");
        }
        Parameters p = Parameters.zeros(LayerSizes.validate(sizes));
        for (int l = 0; l < layers; l++) {
            System.arraycopy(finite(f, weights.get(l)), 0, p.weight(l), 0, p.weight(l).length);
            System.arraycopy(finite(f, biases.get(l)), 0, p.bias(l), 0, p.bias(l).length);
        }
        return new Read(p, dtype.equals("F32") ? DType.FLOAT32 : DType.FLOAT64);
    }

    /**
     * The tensor's values, refused when one is NaN or infinite: such a network computes nothing
     * useful (every output NaN, every argmax 0) and cannot be trained back, so it is refused on
     * load rather than used, with the tensor and the first bad index.
     */
    private static double[] finite(SafeTensorsFile f, SafeTensorsFile.Entry e) {
        double[] v = f.doubles(e);
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                long[] shape = e.shape();
                String where = shape.length == 2 ? " (row " + i / shape[1] + ", column " + i % shape[1] + ")" : "";
                throw SafeTensorsFile.bad(f.name(), "tensor " + e.name() + " holds " + v[i] + " at index " + i + where
                        + ": a network with non-finite weights cannot be used (it diverged when it was trained; "
                        + "use an earlier checkpoint or train again)");
            }
        }
        return v;
    }

    /** Checks a metadata value, if present, against what the tensors say. */
    static void checkMetadata(SafeTensorsFile f, Map<String, String> meta, String key, String actual) {
        String v = meta.get(key);
        if (v != null && !v.equals(actual)) {
            throw SafeTensorsFile.bad(f.name(), "__metadata__ " + key + " is " + Untrusted.quote(v) + " but the tensors say '"
                    + actual + "'");
        }
    }
}
