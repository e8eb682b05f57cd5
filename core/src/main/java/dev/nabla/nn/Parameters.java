package dev.nabla.nn;

import dev.nabla.io.MemoryBudget;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A network's parameters on the host, in float64: per layer l a weight matrix [out, in] stored
 * row-major (PyTorch nn.Linear layout) and a bias vector [out]. This is how weights enter a backend
 * (every backend starts from the same numbers), leave it for saving, and move between backends.
 * The same class holds gradients ({@link Network#gradients()}) and momentum buffers
 * ({@link Sgd#velocities()}).
 *
 * <p>Mutable: {@link #weight} and {@link #bias} return the live arrays. Not thread-safe; use
 * {@link #copy()} to hand parameters to another thread. Values are not checked (NaN is allowed
 * here; {@code ModelFile} refuses to save it). Layers are numbered from 0, the first hidden layer.
 */
public final class Parameters {
    private final int[] sizes;
    private final double[][] weights;
    private final double[][] biases;

    private Parameters(int[] sizes) {
        this.sizes = LayerSizes.validate(sizes);
        MemoryBudget.require("a " + LayerSizes.format(sizes) + " network", "its parameters in float64",
                MemoryBudget.times(MemoryBudget.parameterCount(sizes), 8));
        LayerSizes.checkArrays(sizes);
        int layers = sizes.length - 1;
        this.weights = new double[layers][];
        this.biases = new double[layers][];
        for (int l = 0; l < layers; l++) {
            weights[l] = new double[Math.multiplyExact(sizes[l + 1], sizes[l])];
            biases[l] = new double[sizes[l + 1]];
        }
    }

    /**
     * All-zero parameters for a network with the given layer sizes (input, hidden..., output).
     *
     * @param sizes the layer sizes, at least two, all positive
     * @return new parameters
     * @throws IllegalArgumentException if the sizes are invalid or a weight matrix exceeds one array
     * @throws dev.nabla.io.MemoryLimitException if they would not fit in memory
     */
    public static Parameters zeros(int... sizes) {
        return new Parameters(sizes);
    }

    /**
     * Xavier/Glorot uniform weights, W ~ U(-s, s) with s = sqrt(6 / (in + out)), and zero biases,
     * drawn from a {@link SplittableRandom} seeded with {@code seed}: the same numbers on every JVM.
     * Layers are drawn in order, each weight matrix row-major.
     *
     * @param seed the seed
     * @param sizes the layer sizes, at least two, all positive
     * @return new parameters
     * @throws IllegalArgumentException if the sizes are invalid or a weight matrix exceeds one array
     * @throws dev.nabla.io.MemoryLimitException if they would not fit in memory
     */
    public static Parameters xavierUniform(long seed, int... sizes) {
        Parameters p = new Parameters(sizes);
        SplittableRandom random = new SplittableRandom(seed);
        for (int l = 0; l < p.layers(); l++) {
            double s = Math.sqrt(6.0 / (sizes[l] + sizes[l + 1]));
            double[] w = p.weights[l];
            for (int i = 0; i < w.length; i++) {
                w[i] = (2 * random.nextDouble() - 1) * s;
            }
        }
        return p;
    }

    /**
     * Layer sizes: input, hidden..., output.
     *
     * @return a copy of the sizes
     */
    public int[] sizes() {
        return sizes.clone();
    }

    /**
     * The number of weight layers: one less than the number of sizes.
     *
     * @return the layers
     */
    public int layers() {
        return sizes.length - 1;
    }

    /**
     * A layer's input width.
     *
     * @param layer the layer, from 0
     * @return its number of inputs
     */
    public int inputs(int layer) {
        return sizes[layer];
    }

    /**
     * A layer's output width.
     *
     * @param layer the layer, from 0
     * @return its number of outputs
     */
    public int outputs(int layer) {
        return sizes[layer + 1];
    }

    /**
     * Layer {@code layer}'s weights, [out, in] row-major; the live array, so writes change these parameters.
     *
     * @param layer the layer, from 0
     * @return the out * in weights; element (o, i) at {@code o * in + i}
     */
    public double[] weight(int layer) {
        return weights[layer];
    }

    /**
     * Layer {@code layer}'s biases, [out]; the live array.
     *
     * @param layer the layer, from 0
     * @return the out biases
     */
    public double[] bias(int layer) {
        return biases[layer];
    }

    /**
     * Total number of scalar parameters.
     *
     * @return the number of weights and biases
     */
    public long count() {
        long n = 0;
        for (int l = 0; l < layers(); l++) {
            n += weights[l].length + biases[l].length;
        }
        return n;
    }

    /**
     * A deep copy.
     *
     * @return new parameters with the same sizes and values
     */
    public Parameters copy() {
        Parameters c = new Parameters(sizes);
        for (int l = 0; l < layers(); l++) {
            System.arraycopy(weights[l], 0, c.weights[l], 0, weights[l].length);
            System.arraycopy(biases[l], 0, c.biases[l], 0, biases[l].length);
        }
        return c;
    }

    /**
     * Equal when the sizes and every value are equal ({@link Arrays#equals(double[], double[])}
     * semantics: NaN equals NaN, 0.0 differs from -0.0).
     */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Parameters)) {
            return false;
        }
        Parameters p = (Parameters) o;
        return Arrays.equals(sizes, p.sizes) && Arrays.deepEquals(weights, p.weights)
                && Arrays.deepEquals(biases, p.biases);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes) * 31 + Arrays.deepHashCode(weights);
    }

    @Override
    public String toString() {
        return "Parameters" + Arrays.toString(sizes);
    }
}
