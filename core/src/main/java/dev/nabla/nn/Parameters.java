package dev.nabla.nn;

import dev.nabla.io.MemoryBudget;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A network's parameters on the host, in float64: per layer l a weight matrix [out, in] stored
 * row-major (PyTorch nn.Linear layout) and a bias vector [out]. This is how weights enter a backend
 * (every backend starts from the same numbers), leave it for saving, and move between backends.
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

    /** All-zero parameters for a network with the given layer sizes (input, hidden..., output). */
    public static Parameters zeros(int... sizes) {
        return new Parameters(sizes);
    }

    /**
     * Xavier/Glorot uniform weights, W ~ U(-s, s) with s = sqrt(6 / (in + out)), and zero biases,
     * drawn from a {@link SplittableRandom} seeded with {@code seed}: the same numbers on every JVM.
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

    /** Layer sizes: input, hidden..., output. */
    public int[] sizes() {
        return sizes.clone();
    }

    public int layers() {
        return sizes.length - 1;
    }

    public int inputs(int layer) {
        return sizes[layer];
    }

    public int outputs(int layer) {
        return sizes[layer + 1];
    }

    /** Layer {@code layer}'s weights, [out, in] row-major; the live array, so writes change these parameters. */
    public double[] weight(int layer) {
        return weights[layer];
    }

    /** Layer {@code layer}'s biases, [out]; the live array. */
    public double[] bias(int layer) {
        return biases[layer];
    }

    /** Total number of scalar parameters. */
    public long count() {
        long n = 0;
        for (int l = 0; l < layers(); l++) {
            n += weights[l].length + biases[l].length;
        }
        return n;
    }

    public Parameters copy() {
        Parameters c = new Parameters(sizes);
        for (int l = 0; l < layers(); l++) {
            System.arraycopy(weights[l], 0, c.weights[l], 0, weights[l].length);
            System.arraycopy(biases[l], 0, c.biases[l], 0, biases[l].length);
        }
        return c;
    }

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
