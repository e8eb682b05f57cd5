package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * Mini-batch stochastic gradient descent: p = p - lr * grad, or with momentum mu > 0,
 * v = mu * v + grad, p = p - lr * v (the form PyTorch's SGD uses). Velocities live on the network's
 * backend and are allocated at the first step; one {@code Sgd} updates one network. Made with
 * {@code Sgd.builder().learningRate(0.5).momentum(0.9).build()}; momentum defaults to 0.
 *
 * <p>Most code never uses it directly: {@code dev.nabla.train.TrainingRun} does. Close it (before
 * the backend) to free the velocity tensors; like its network, it is used from one thread at a time.
 */
public final class Sgd implements AutoCloseable {
    private final double learningRate;
    private final double momentum;
    private Network network;
    private Tensor[] weightVelocity;
    private Tensor[] biasVelocity;

    private Sgd(double learningRate, double momentum) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive finite number, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    /**
     * A builder; the learning rate is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Plain SGD (no momentum) with this learning rate.
     *
     * @param learningRate the step size, positive and finite
     * @return a new optimizer
     * @throws IllegalArgumentException if the learning rate is not positive and finite
     */
    public static Sgd withLearningRate(double learningRate) {
        return new Sgd(learningRate, 0);
    }

    /**
     * The step size lr.
     *
     * @return the learning rate
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * The momentum mu.
     *
     * @return the momentum, in [0, 1)
     */
    public double momentum() {
        return momentum;
    }

    /**
     * Applies one step to every parameter of {@code net} from its current gradients (those of the
     * last {@link Network#computeGradients} or {@link Network#setGradients}). The first call binds
     * this optimizer to {@code net} and, with momentum, allocates zero velocities on its backend.
     *
     * @param net the network to update
     * @throws IllegalStateException if this optimizer is bound to another network
     */
    public void step(Network net) {
        bind(net);
        for (int l = 0; l < net.layers(); l++) {
            net.backend().sgdUpdate(net.weight(l), net.weightGradient(l),
                    weightVelocity == null ? null : weightVelocity[l], learningRate, momentum);
            net.backend().sgdUpdate(net.bias(l), net.biasGradient(l),
                    biasVelocity == null ? null : biasVelocity[l], learningRate, momentum);
        }
    }

    /**
     * The momentum buffers on the host, e.g. for a checkpoint.
     *
     * @return a copy of the velocities in float64, or {@code null} without momentum or before the
     *     first step
     */
    public Parameters velocities() {
        if (weightVelocity == null) {
            return null;
        }
        Parameters v = Parameters.zeros(network.sizes());
        for (int l = 0; l < network.layers(); l++) {
            network.backend().copyToHost(weightVelocity[l], v.weight(l), 0);
            network.backend().copyToHost(biasVelocity[l], v.bias(l), 0);
        }
        return v;
    }

    /**
     * Restores momentum buffers saved by {@link #velocities()} for {@code net} (binding this
     * optimizer to it, as {@link #step} does), e.g. when resuming from a checkpoint.
     *
     * @param net the network this optimizer updates
     * @param v the velocities, with the network's layer sizes
     * @throws IllegalStateException if this optimizer has no momentum or is bound to another network
     * @throws IllegalArgumentException if the layer sizes differ
     */
    public void setVelocities(Network net, Parameters v) {
        bind(net);
        if (weightVelocity == null) {
            throw new IllegalStateException("this optimizer has no momentum, so it keeps no velocities");
        }
        if (!java.util.Arrays.equals(v.sizes(), net.sizes())) {
            throw new IllegalArgumentException("velocities have layer sizes " + LayerSizes.format(v.sizes())
                    + " but the network has " + LayerSizes.format(net.sizes()));
        }
        for (int l = 0; l < net.layers(); l++) {
            net.backend().copyFromHost(v.weight(l), weightVelocity[l]);
            net.backend().copyFromHost(v.bias(l), biasVelocity[l]);
        }
    }

    private void bind(Network net) {
        if (network == net) {
            return;
        }
        if (network != null) {
            throw new IllegalStateException("this optimizer already updates " + network + "; use one Sgd per network");
        }
        network = net;
        if (momentum > 0) {
            weightVelocity = new Tensor[net.layers()];
            biasVelocity = new Tensor[net.layers()];
            for (int l = 0; l < net.layers(); l++) {
                Tensor w = net.weight(l);
                weightVelocity[l] = net.backend().zeros(net.dtype(), w.rows(), w.cols());
                biasVelocity[l] = net.backend().zeros(net.dtype(), 1, w.rows());
            }
        }
    }

    /** Frees the velocity tensors, if any (not the network). Do not use the optimizer after. */
    @Override
    public void close() {
        if (weightVelocity != null) {
            for (int l = 0; l < weightVelocity.length; l++) {
                weightVelocity[l].close();
                biasVelocity[l].close();
            }
        }
    }

    /** Settings of an {@link Sgd}, checked when built. */
    public static final class Builder {
        private Double learningRate;
        private double momentum;

        private Builder() {
        }

        /**
         * The step size; required, positive and finite.
         *
         * @param learningRate lr
         * @return this builder
         */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Momentum mu in [0, 1); 0 (the default) is plain SGD.
         *
         * @param momentum mu
         * @return this builder
         */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * A new optimizer with these settings.
         *
         * @return the optimizer, not yet bound to a network
         * @throws IllegalStateException if no learning rate was given
         * @throws IllegalArgumentException if the learning rate is not positive and finite or the
         *     momentum is outside [0, 1)
         */
        public Sgd build() {
            if (learningRate == null) {
                throw new IllegalStateException("SGD needs a learning rate (learningRate(...))");
            }
            return new Sgd(learningRate, momentum);
        }
    }
}
