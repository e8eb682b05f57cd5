package dev.nabla.bench;

import dev.nabla.nn.LayerSizes;
import dev.nabla.tensor.DType;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one SGD-step benchmark trains: the layer sizes, the mini-batch size and the dtype, plus the
 * FLOP count that turns its samples/s into effective GFLOP/s.
 *
 * <p>Shapes are named ({@code tiny}, {@code mnist}, {@code wide}) or given as layer sizes separated
 * by {@code -} or {@code ,} (JMH splits {@code -p} values on commas, so the benchmarks use {@code -}).
 *
 * <p><b>FLOP count.</b> {@link #gemmFlopsPerStep()} counts the matrix products of one step and
 * nothing else: for a layer with {@code in} inputs and {@code out} outputs and a batch of B rows,
 * the forward product X W^T, the weight gradient delta^T A and the input gradient delta W each cost
 * 2 B in out (a multiply and an add per term). The first layer's input gradient is never computed,
 * so a step costs {@code 2 B (3 sum(in*out) - in_1*out_1)}. Element-wise work (bias add, sigmoid
 * and its derivative, the loss, bias gradients, the parameter update) is excluded: it is
 * O(B sum(out) + parameters): by {@link #elementwiseShare()}'s generous estimate under 2% of the
 * products on {@code mnist} b32, under 1% on {@code mnist} b128 and up and on {@code wide}, but all
 * of the work on {@code tiny}, whose GFLOP/s figure is therefore meaningless (tiny measures
 * per-call overhead).
 */
public final class Workload {
    private static final Map<String, int[]> NAMED = new LinkedHashMap<>();

    static {
        NAMED.put("tiny", new int[] {1, 1, 1});
        NAMED.put("mnist", new int[] {784, 256, 256, 10});
        NAMED.put("wide", new int[] {1024, 4096, 4096, 1024});
    }

    private final int[] sizes;
    private final int batch;
    private final DType dtype;

    /**
     * A workload.
     *
     * @param sizes the layer sizes, input first; copied
     * @param batch rows per step, at least 1
     * @param dtype the dtype
     * @throws IllegalArgumentException if the sizes are invalid or {@code batch} is not positive
     * @throws NullPointerException if {@code dtype} is null
     */
    public Workload(int[] sizes, int batch, DType dtype) {
        this.sizes = LayerSizes.validate(sizes);
        if (batch <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batch);
        }
        this.batch = batch;
        this.dtype = java.util.Objects.requireNonNull(dtype, "dtype");
    }

    /**
     * A workload from a shape (a name or sizes such as {@code 784-256-10}), a batch size and a dtype name.
     *
     * @param shape {@code tiny}, {@code mnist}, {@code wide}, or layer sizes
     * @param batch rows per step, at least 1
     * @param dtype {@code float32} or {@code float64} (as {@link DType#parse} reads it)
     * @return the workload
     * @throws IllegalArgumentException if a part is invalid
     */
    public static Workload of(String shape, int batch, String dtype) {
        return new Workload(shape(shape), batch, DType.parse(dtype));
    }

    /**
     * The layer sizes of a named shape, or of a list such as {@code 784-256-10} or {@code 784,256,10}.
     *
     * @param text a name (case-insensitive) or a list of sizes
     * @return the sizes
     * @throws IllegalArgumentException if the text is empty, an unknown name, or not valid sizes
     */
    public static int[] shape(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty network shape: expected one of " + NAMED.keySet()
                    + " or layer sizes such as 784-256-10");
        }
        int[] named = NAMED.get(text.trim().toLowerCase(Locale.ROOT));
        if (named != null) {
            return named.clone();
        }
        if (!text.trim().matches("[0-9 ,-]+")) {
            throw new IllegalArgumentException("unknown network shape '" + text + "': expected one of "
                    + NAMED.keySet() + " or layer sizes such as 784-256-10");
        }
        return LayerSizes.parse(text.trim().replace('-', ','));
    }

    /**
     * The named shapes, in the order the reports list them.
     *
     * @return a new map from name to layer sizes
     */
    public static Map<String, int[]> namedShapes() {
        Map<String, int[]> copy = new LinkedHashMap<>();
        NAMED.forEach((name, sizes) -> copy.put(name, sizes.clone()));
        return copy;
    }

    /**
     * The layer sizes.
     *
     * @return a copy, input first
     */
    public int[] sizes() {
        return sizes.clone();
    }

    /**
     * The input width.
     *
     * @return the first layer size
     */
    public int inputs() {
        return sizes[0];
    }

    /**
     * The output width.
     *
     * @return the last layer size
     */
    public int outputs() {
        return sizes[sizes.length - 1];
    }

    /**
     * Rows per step.
     *
     * @return the batch size
     */
    public int batch() {
        return batch;
    }

    /**
     * The dtype the step computes in.
     *
     * @return the dtype
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The shape's name when it is a named one, else its sizes.
     *
     * @return e.g. {@code mnist} or {@code 784-100-10}
     */
    public String shapeName() {
        for (Map.Entry<String, int[]> e : NAMED.entrySet()) {
            if (Arrays.equals(e.getValue(), sizes)) {
                return e.getKey();
            }
        }
        return LayerSizes.format(sizes);
    }

    /**
     * The workload for reports.
     *
     * @return e.g. {@code mnist 784-256-256-10 b128 float32}
     */
    public String label() {
        String sizesText = LayerSizes.format(sizes);
        String name = shapeName();
        return (name.equals(sizesText) ? sizesText : name + " " + sizesText) + " b" + batch + " " + dtype;
    }

    /**
     * GEMM FLOPs of one SGD step (see the class comment): 2 B (3 sum(in*out) - in_1*out_1).
     *
     * @return the floating-point operations of the step's matrix products
     */
    public long gemmFlopsPerStep() {
        long products = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            long inOut = (long) sizes[l] * sizes[l + 1];
            products += (l == 0 ? 2 : 3) * inOut;
        }
        return 2L * batch * products;
    }

    /**
     * Parameters of the network (weights and biases).
     *
     * @return the number of scalar parameters
     */
    public long parameterCount() {
        long n = 0;
        for (int l = 0; l + 1 < sizes.length; l++) {
            n += (long) sizes[l] * sizes[l + 1] + sizes[l + 1];
        }
        return n;
    }

    /**
     * A generous estimate of the element-wise operations of one step that {@link #gemmFlopsPerStep()}
     * leaves out, as a fraction of it: ten operations per activation (bias add, sigmoid, derivative,
     * bias gradient, loss) and two per parameter (the update).
     *
     * @return the element-wise operations divided by {@link #gemmFlopsPerStep()}
     */
    public double elementwiseShare() {
        long activations = 0;
        for (int l = 1; l < sizes.length; l++) {
            activations += (long) batch * sizes[l];
        }
        return (10.0 * activations + 2.0 * parameterCount()) / gemmFlopsPerStep();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Workload && Arrays.equals(((Workload) o).sizes, sizes)
                && ((Workload) o).batch == batch && ((Workload) o).dtype == dtype;
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(sizes) * 31 + batch) * 31 + dtype.hashCode();
    }

    @Override
    public String toString() {
        return label();
    }
}
