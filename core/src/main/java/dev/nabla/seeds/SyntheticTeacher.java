package dev.nabla.seeds;

import dev.nabla.data.Dataset;
import dev.nabla.io.MemoryBudget;

import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Parameters;

import java.util.SplittableRandom;

/**
 * The built-in data set: a seeded random "teacher" sigmoid network labels random inputs, and a
 * different "student" network learns to mimic it (seed 001's proof that backpropagation works).
 */
public final class SyntheticTeacher {
    private SyntheticTeacher() {
    }

    /**
     * {@code rows} examples with inputs uniform in [-1, 1] and targets the outputs of a teacher with
     * layer sizes {@code teacherSizes} and weights uniform in [-2, 2] (large enough that its outputs
     * are not all near 0.5), biases uniform in [-0.5, 0.5]. The teacher runs in float64 on the host;
     * the data set is float32. The same arguments give the same data on every JVM.
     *
     * @param seed the seed of the teacher and the inputs
     * @param rows the number of examples, at least 1
     * @param teacherSizes the teacher's layer sizes: the data set's inputs, hidden..., outputs
     * @return the data set
     * @throws IllegalArgumentException if {@code rows} is not positive, the sizes are invalid, or
     *     the data exceeds one array
     * @throws dev.nabla.io.MemoryLimitException if the data would not fit in memory
     */
    public static Dataset generate(long seed, int rows, int... teacherSizes) {
        int[] sizes = LayerSizes.validate(teacherSizes);
        SplittableRandom random = new SplittableRandom(seed);
        Parameters teacher = Parameters.zeros(sizes);
        for (int l = 0; l < teacher.layers(); l++) {
            fillUniform(random, teacher.weight(l), 2.0);
            fillUniform(random, teacher.bias(l), 0.5);
        }
        int in = sizes[0];
        int out = sizes[sizes.length - 1];
        if (rows <= 0) {
            throw new IllegalArgumentException("rows must be positive, got " + rows);
        }
        long xs = (long) rows * in;
        long ys = (long) rows * out;
        MemoryBudget.require(rows + " synthetic rows of " + in + " inputs and " + out + " targets", "they",
                MemoryBudget.times(xs + ys, Float.BYTES));
        if (Math.max(xs, ys) > LayerSizes.MAX_ARRAY) {
            throw new IllegalArgumentException(rows + " synthetic rows of " + in + " inputs: " + xs
                    + " values, more than one array holds (" + LayerSizes.MAX_ARRAY + ")");
        }
        float[] x = new float[(int) xs];
        float[] y = new float[(int) ys];
        double[] input = new double[in];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < in; i++) {
                float v = (float) (2 * random.nextDouble() - 1);
                x[r * in + i] = v;
                input[i] = v;
            }
            double[] output = forward(teacher, input);
            for (int o = 0; o < out; o++) {
                y[r * out + o] = (float) output[o];
            }
        }
        return new Dataset(rows, in, out, x, y);
    }

    private static void fillUniform(SplittableRandom random, double[] a, double scale) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (2 * random.nextDouble() - 1) * scale;
        }
    }

    /** One example through the teacher, in plain float64 host arithmetic. */
    private static double[] forward(Parameters p, double[] input) {
        double[] a = input;
        for (int l = 0; l < p.layers(); l++) {
            int in = p.inputs(l);
            int out = p.outputs(l);
            double[] w = p.weight(l);
            double[] next = new double[out];
            for (int o = 0; o < out; o++) {
                double z = p.bias(l)[o];
                for (int i = 0; i < in; i++) {
                    z += w[o * in + i] * a[i];
                }
                next[o] = 1.0 / (1.0 + Math.exp(-z));
            }
            a = next;
        }
        return a;
    }
}
