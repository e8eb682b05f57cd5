package dev.nabla.check;

import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Cross-checks backends: one network (seeded Xavier weights and random biases) and one mini-batch
 * are copied into every backend, each computes the loss and every gradient, and each tensor is
 * compared with the first backend's: the largest absolute difference relative to the largest
 * magnitude in the first backend's tensor, against {@link Tolerances#gradient}. Backends never
 * agree bit for bit (their summation orders differ); this measures by how much they differ.
 * {@code nabla gradcheck} prints this report.
 * <pre>{@code
 * try (Backend ref = Backends.create("reference"); Backend cpu = Backends.create("cpu")) {
 *     GradientCrossCheck.Report r = GradientCrossCheck.run(List.of(ref, cpu), new int[] {8, 16, 4}, 32,
 *             DType.FLOAT64, Loss.MSE, 1);
 *     System.out.println(r.passed());
 * }
 * }</pre>
 */
public final class GradientCrossCheck {
    private GradientCrossCheck() {
    }

    /** One tensor's comparison: the loss or a gradient of one backend, against the first backend. */
    public static final class Comparison {
        private final String tensor;
        private final String backend;
        private final double relativeDifference;
        private final double tolerance;

        Comparison(String tensor, String backend, double relativeDifference, double tolerance) {
            this.tensor = tensor;
            this.backend = backend;
            this.relativeDifference = relativeDifference;
            this.tolerance = tolerance;
        }

        /**
         * What was compared.
         *
         * @return {@code loss}, or the parameter the gradient belongs to, e.g. {@code layers.0.weight}
         */
        public String tensor() {
            return tensor;
        }

        /**
         * The backend compared with the first.
         *
         * @return its id
         */
        public String backend() {
            return backend;
        }

        /**
         * The largest difference relative to the baseline's largest magnitude (for the loss: the
         * difference relative to the baseline loss).
         *
         * @return the relative difference
         */
        public double relativeDifference() {
            return relativeDifference;
        }

        /**
         * The bound it is judged by: {@link Tolerances#gradient} of the dtype (the loss too).
         *
         * @return the tolerance
         */
        public double tolerance() {
            return tolerance;
        }

        /**
         * Whether the difference is within the tolerance.
         *
         * @return true if within (false for NaN)
         */
        public boolean passed() {
            return relativeDifference <= tolerance;
        }
    }

    /** The outcome of a cross-check. */
    public static final class Report {
        private final List<String> backends;
        private final double[] losses;
        private final List<Comparison> comparisons;

        Report(List<String> backends, double[] losses, List<Comparison> comparisons) {
            this.backends = List.copyOf(backends);
            this.losses = losses.clone();
            this.comparisons = Collections.unmodifiableList(comparisons);
        }

        /**
         * The backends checked, by id, the baseline first.
         *
         * @return an unmodifiable list of ids
         */
        public List<String> backends() {
            return backends;
        }

        /**
         * The loss each backend computed, in the order of {@link #backends()}.
         *
         * @return a copy of the losses
         */
        public double[] losses() {
            return losses.clone();
        }

        /**
         * Every comparison: per backend after the first, the loss, then each layer's weight and bias
         * gradients.
         *
         * @return an unmodifiable list
         */
        public List<Comparison> comparisons() {
            return comparisons;
        }

        /**
         * Whether every comparison passed.
         *
         * @return true if all are within their tolerance
         */
        public boolean passed() {
            return comparisons.stream().allMatch(Comparison::passed);
        }
    }

    /**
     * Runs the check on {@code backends} (the first is the baseline) for a network of layer sizes
     * {@code sizes}, a mini-batch of {@code batch} rows, in {@code dtype}, with {@code loss}; all
     * random numbers come from {@code seed}. Targets are one-hot for {@code bce}, uniform in [0, 1)
     * for {@code mse}; inputs uniform in [-1, 1). The backends are used, not closed.
     *
     * @param backends at least two open backends that support {@code dtype}; the first is the baseline
     * @param sizes the layer sizes
     * @param batch the mini-batch rows, at least 1
     * @param dtype the dtype to compute in
     * @param loss the loss
     * @param seed the seed of the weights, biases, inputs and targets
     * @return the report
     * @throws IllegalArgumentException if there are fewer than two backends, {@code batch} is not
     *     positive, the sizes are invalid, or a backend does not support {@code dtype}
     */
    public static Report run(List<Backend> backends, int[] sizes, int batch, DType dtype, Loss loss, long seed) {
        if (backends.size() < 2) {
            throw new IllegalArgumentException("a cross-check needs at least two backends, got " + backends.size());
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be positive, got " + batch);
        }
        LayerSizes.validate(sizes);
        SplittableRandom random = new SplittableRandom(seed);
        Parameters params = Parameters.xavierUniform(random.nextLong(), sizes);
        for (int l = 0; l < params.layers(); l++) {
            double[] b = params.bias(l);
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextDouble() - 0.5;
            }
        }
        int in = sizes[0];
        int out = sizes[sizes.length - 1];
        double[] x = new double[batch * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * random.nextDouble() - 1;
        }
        double[] y = new double[batch * out];
        for (int r = 0; r < batch; r++) {
            if (loss == Loss.BCE) {
                y[r * out + random.nextInt(out)] = 1;
            } else {
                for (int j = 0; j < out; j++) {
                    y[r * out + j] = random.nextDouble();
                }
            }
        }

        List<String> names = new ArrayList<>();
        double[] losses = new double[backends.size()];
        List<Parameters> gradients = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            Backend backend = backends.get(i);
            names.add(backend.id());
            try (Network net = new Network(backend, dtype, loss, params);
                 Tensor tx = backend.zeros(dtype, batch, in); Tensor ty = backend.zeros(dtype, batch, out)) {
                backend.copyFromHost(x, tx);
                backend.copyFromHost(y, ty);
                losses[i] = net.computeGradients(tx, ty);
                gradients.add(net.gradients());
            }
        }

        double tolerance = Tolerances.gradient(dtype);
        List<Comparison> comparisons = new ArrayList<>();
        Parameters base = gradients.get(0);
        for (int i = 1; i < backends.size(); i++) {
            double lossDiff = Math.abs(losses[i] - losses[0]) / Math.max(Math.abs(losses[0]), Double.MIN_NORMAL);
            comparisons.add(new Comparison("loss", names.get(i), lossDiff, tolerance));
            Parameters other = gradients.get(i);
            for (int l = 0; l < base.layers(); l++) {
                comparisons.add(new Comparison("layers." + l + ".weight", names.get(i),
                        Tolerances.maxRelativeDifference(base.weight(l), other.weight(l)), tolerance));
                comparisons.add(new Comparison("layers." + l + ".bias", names.get(i),
                        Tolerances.maxRelativeDifference(base.bias(l), other.bias(l)), tolerance));
            }
        }
        return new Report(names, losses, comparisons);
    }
}
