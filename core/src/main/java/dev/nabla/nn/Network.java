package dev.nabla.nn;

import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A dense network with a sigmoid on every layer, living on one backend in one dtype.
 *
 * <p>Forward over a mini-batch X [B, in]: Z_l = A_{l-1} W_l^T + b_l, A_l = sigmoid(Z_l), A_0 = X.
 * Backward reuses the activations saved by the forward pass (Z is never recomputed):
 * delta_L = dLoss/dZ_L, dW_l = delta_l^T A_{l-1}, db_l = column sums of delta_l,
 * delta_{l-1} = (delta_l W_l) * A_{l-1} * (1 - A_{l-1}).
 *
 * <p>Buffers for the activations and deltas are allocated the first time a batch size is seen and
 * reused after, so a training step allocates nothing once warmed up.
 */
public final class Network implements AutoCloseable {
    /** Batch sizes whose buffers are kept; a training run needs two (full and last batch). */
    private static final int CACHED_BATCH_SIZES = 4;

    private final Backend backend;
    private final DType dtype;
    private final int[] sizes;
    private final Tensor[] weights;
    private final Tensor[] biases;
    private final Tensor[] weightGrads;
    private final Tensor[] biasGrads;
    private final Map<Integer, Workspace> workspaces = new LinkedHashMap<>(8, 0.75f, true);
    private Workspace last;
    private boolean closed;

    /** A network on {@code backend} holding a copy of {@code initial} in {@code dtype}. */
    public Network(Backend backend, DType dtype, Parameters initial) {
        this.backend = backend;
        this.dtype = dtype;
        this.sizes = initial.sizes();
        int layers = sizes.length - 1;
        weights = new Tensor[layers];
        biases = new Tensor[layers];
        weightGrads = new Tensor[layers];
        biasGrads = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            weights[l] = backend.zeros(dtype, sizes[l + 1], sizes[l]);
            biases[l] = backend.zeros(dtype, 1, sizes[l + 1]);
            weightGrads[l] = backend.zeros(dtype, sizes[l + 1], sizes[l]);
            biasGrads[l] = backend.zeros(dtype, 1, sizes[l + 1]);
        }
        setParameters(initial);
    }

    public Backend backend() {
        return backend;
    }

    public DType dtype() {
        return dtype;
    }

    /** Layer sizes: input, hidden..., output. */
    public int[] sizes() {
        return sizes.clone();
    }

    public int layers() {
        return weights.length;
    }

    public int inputs() {
        return sizes[0];
    }

    public int outputs() {
        return sizes[sizes.length - 1];
    }

    public Tensor weight(int layer) {
        return weights[layer];
    }

    public Tensor bias(int layer) {
        return biases[layer];
    }

    /** dLoss/dW of the last {@link #computeGradients} call. */
    public Tensor weightGradient(int layer) {
        return weightGrads[layer];
    }

    /** dLoss/db of the last {@link #computeGradients} call. */
    public Tensor biasGradient(int layer) {
        return biasGrads[layer];
    }

    /** Replaces the parameters with a copy of {@code p} (same layer sizes). */
    public void setParameters(Parameters p) {
        if (!Arrays.equals(p.sizes(), sizes)) {
            throw new IllegalArgumentException("parameters have layer sizes " + LayerSizes.format(p.sizes())
                    + " but the network has " + LayerSizes.format(sizes));
        }
        for (int l = 0; l < layers(); l++) {
            backend.copyFromHost(p.weight(l), weights[l]);
            backend.copyFromHost(p.bias(l), biases[l]);
        }
    }

    /** The current parameters, copied to the host in float64. */
    public Parameters parameters() {
        Parameters p = Parameters.zeros(sizes);
        for (int l = 0; l < layers(); l++) {
            backend.copyToHost(weights[l], p.weight(l), 0);
            backend.copyToHost(biases[l], p.bias(l), 0);
        }
        return p;
    }

    /** The gradients of the last {@link #computeGradients} call, copied to the host in float64. */
    public Parameters gradients() {
        Parameters g = Parameters.zeros(sizes);
        for (int l = 0; l < layers(); l++) {
            backend.copyToHost(weightGrads[l], g.weight(l), 0);
            backend.copyToHost(biasGrads[l], g.bias(l), 0);
        }
        return g;
    }

    /**
     * The forward pass over the mini-batch {@code x} [B, inputs]; returns the output activations
     * [B, outputs], a buffer owned by the network that the next pass with this batch size overwrites.
     */
    public Tensor forward(Tensor x) {
        Workspace ws = workspace(x);
        Tensor input = x;
        int lastLayer = layers() - 1;
        for (int l = 0; l < layers(); l++) {
            backend.denseForward(input, weights[l], biases[l], l == lastLayer ? ws.logits : null, ws.activations[l]);
            input = ws.activations[l];
        }
        return ws.activations[lastLayer];
    }

    /**
     * The output activations [B, outputs] of the latest forward pass ({@link #forward}, {@link #loss}
     * or {@link #computeGradients}): a buffer the next pass with that batch size overwrites.
     */
    public Tensor lastOutput() {
        if (last == null) {
            throw new IllegalStateException("no forward pass yet");
        }
        return last.activations[layers() - 1];
    }

    /** The mean loss of the network on the mini-batch (x, y), without gradients. */
    public double loss(Tensor x, Tensor y, Loss loss) {
        Tensor out = forward(x);
        return backend.loss(loss, last.logits, out, y);
    }

    /**
     * Forward and backward over the mini-batch (x, y): fills {@link #weightGradient} and
     * {@link #biasGradient} with the gradients of the mean loss and returns that loss, as computed
     * in the forward pass.
     */
    public double computeGradients(Tensor x, Tensor y, Loss loss) {
        Tensor out = forward(x);
        Workspace ws = last;
        int lastLayer = layers() - 1;
        double value = backend.lossAndGradient(loss, ws.logits, out, y, ws.deltas[lastLayer]);
        for (int l = lastLayer; l >= 0; l--) {
            Tensor delta = ws.deltas[l];
            Tensor input = l == 0 ? x : ws.activations[l - 1];
            backend.gemm(true, false, 1.0, delta, input, 0.0, weightGrads[l]);
            backend.columnSums(delta, biasGrads[l]);
            if (l > 0) {
                backend.denseBackward(delta, weights[l], input, ws.deltas[l - 1]);
            }
        }
        return value;
    }

    private Workspace workspace(Tensor x) {
        if (x.cols() != sizes[0]) {
            throw new IllegalArgumentException("input batch is " + x.shape() + " but the network "
                    + LayerSizes.format(sizes) + " takes " + sizes[0] + " inputs per row");
        }
        if (closed) {
            throw new IllegalStateException("network is closed");
        }
        int batch = x.rows();
        if (last != null && last.batch == batch) {
            return last;
        }
        Workspace ws = workspaces.get(batch);
        if (ws == null) {
            if (workspaces.size() >= CACHED_BATCH_SIZES) {
                Iterator<Workspace> eldest = workspaces.values().iterator();
                eldest.next().close();
                eldest.remove();
            }
            ws = new Workspace(batch);
            workspaces.put(batch, ws);
        }
        last = ws;
        return ws;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        workspaces.values().forEach(Workspace::close);
        workspaces.clear();
        for (Tensor[] group : new Tensor[][] {weights, biases, weightGrads, biasGrads}) {
            for (Tensor t : group) {
                t.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Network " + LayerSizes.format(sizes) + " on " + backend.id() + " " + dtype;
    }

    /** The per-batch-size buffers of the forward and backward passes. */
    private final class Workspace implements AutoCloseable {
        final int batch;
        final Tensor[] activations;
        final Tensor[] deltas;
        final Tensor logits;

        Workspace(int batch) {
            this.batch = batch;
            activations = new Tensor[layers()];
            deltas = new Tensor[layers()];
            for (int l = 0; l < layers(); l++) {
                activations[l] = backend.zeros(dtype, batch, sizes[l + 1]);
                deltas[l] = backend.zeros(dtype, batch, sizes[l + 1]);
            }
            logits = backend.zeros(dtype, batch, outputs());
        }

        @Override
        public void close() {
            for (int l = 0; l < activations.length; l++) {
                activations[l].close();
                deltas[l].close();
            }
            logits.close();
        }
    }
}
