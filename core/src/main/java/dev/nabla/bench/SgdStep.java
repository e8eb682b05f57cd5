package dev.nabla.bench;

import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.nn.Sgd;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

/**
 * A Nabla network's training step on one backend: {@link Network#computeGradients} (forward, MSE
 * loss, backward) then {@link Sgd#step} (plain SGD, no momentum), on a synthetic batch that stays
 * resident on the backend, so the step is what is timed and data loading is not.
 *
 * <p>The same code serves the JMH benchmark and {@code nabla bench}. The weights are Xavier-uniform
 * from {@link SyntheticBatch#SEED}, as in DL4J's peer step.
 */
public final class SgdStep implements TrainingStep {
    /** Plain SGD's learning rate in every benchmark (DL4J's peer uses the same). */
    public static final double LEARNING_RATE = 0.01;

    private final Backend backend;
    private final Workload workload;
    private final Network network;
    private final Sgd sgd;
    private final Tensor x;
    private final Tensor y;

    /**
     * Builds the network and loads the batch on {@code backend}; the backend stays the caller's to
     * close, and this step's tensors are freed by {@link #close()} (before the backend).
     *
     * @param backend the backend to time
     * @param workload the shape, batch size and dtype
     * @throws IllegalArgumentException if the backend does not support the workload's dtype
     */
    public SgdStep(Backend backend, Workload workload) {
        this.backend = backend;
        this.workload = workload;
        SyntheticBatch batch = SyntheticBatch.of(workload);
        Network net = new Network(backend, workload.dtype(), Loss.MSE,
                Parameters.xavierUniform(SyntheticBatch.SEED, workload.sizes()));
        Tensor xs = null;
        Tensor ys = null;
        try {
            xs = backend.zeros(workload.dtype(), workload.batch(), workload.inputs());
            ys = backend.zeros(workload.dtype(), workload.batch(), workload.outputs());
            backend.copyFromHost(batch.features(), xs);
            backend.copyFromHost(batch.targets(), ys);
        } catch (RuntimeException e) {
            closeAll(xs, ys);
            net.close();
            throw e;
        }
        this.network = net;
        this.sgd = Sgd.withLearningRate(LEARNING_RATE);
        this.x = xs;
        this.y = ys;
    }

    /**
     * What this step trains.
     *
     * @return the workload
     */
    public Workload workload() {
        return workload;
    }

    /**
     * The network being trained (its parameters change with every step).
     *
     * @return the network, owned by this step
     */
    public Network network() {
        return network;
    }

    @Override
    public int batch() {
        return workload.batch();
    }

    @Override
    public double run() {
        double loss = network.computeGradients(x, y);
        sgd.step(network);
        return loss;
    }

    @Override
    public String description() {
        return backend.description();
    }

    @Override
    public void close() {
        sgd.close();
        closeAll(x, y);
        network.close();
    }

    private static void closeAll(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }
}
