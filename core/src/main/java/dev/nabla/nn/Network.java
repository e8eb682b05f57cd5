package dev.nabla.nn;

import dev.nabla.data.Features;
import dev.nabla.io.MemoryBudget;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A dense network with a sigmoid on every layer, trained for one loss, living on one backend in
 * one dtype. Build one with {@link #builder()}; close it (before its backend) to free its tensors.
 * <pre>{@code
 * try (Backend backend = Backends.createDefault();
 *      Network net = Network.builder().layers(784, 128, 10).loss(Loss.BCE).seed(7).build(backend)) {
 *     double[] outputs = net.predict(features);     // [rows, 10] row-major
 * }
 * }</pre>
 * Train it with {@code dev.nabla.train.TrainingRun}; save and load it with
 * {@code dev.nabla.model.ModelFile}.
 *
 * <p>Forward over a mini-batch X [B, in]: Z_l = A_{l-1} W_l^T + b_l, A_l = sigmoid(Z_l), A_0 = X.
 * Backward reuses the activations saved by the forward pass (Z is never recomputed):
 * delta_L = dLoss/dZ_L, dW_l = delta_l^T A_{l-1}, db_l = column sums of delta_l,
 * delta_{l-1} = (delta_l W_l) * A_{l-1} * (1 - A_{l-1}).
 *
 * <p>Buffers for the activations and deltas are allocated the first time a batch size is seen and
 * reused after, so a training step allocates nothing once warmed up (the buffers of the four most
 * recent batch sizes are kept). Like its backend, a network is used from one thread at a time.
 *
 * <p>Layers are numbered from 0 (the first weight layer). The tensor accessors ({@link #weight},
 * {@link #weightGradient}...) return the network's own tensors, not copies; the host accessors
 * ({@link #parameters()}, {@link #gradients()}) return copies. Methods that take tensors want them
 * on this network's backend, in its dtype; the backend checks that.
 */
public final class Network implements AutoCloseable {
    /** Batch sizes whose buffers are kept; a training run needs two (full and last batch). */
    private static final int CACHED_BATCH_SIZES = 4;
    /** Rows per forward pass in {@link #predict}. */
    private static final int PREDICT_BATCH = 256;

    private final Backend backend;
    private final DType dtype;
    private final Loss loss;
    private final int[] sizes;
    private final Tensor[] weights;
    private final Tensor[] biases;
    private final Tensor[] weightGrads;
    private final Tensor[] biasGrads;
    private final Map<Integer, Workspace> workspaces = new LinkedHashMap<>(8, 0.75f, true);
    private Workspace last;
    private Tensor predictInput;
    private boolean closed;

    /**
     * A network on {@code backend} holding a copy of {@code initial} in {@code dtype}, trained for
     * {@code loss}. {@link #builder()} is the usual way.
     *
     * @param backend the backend to allocate on; not owned (the network never closes it)
     * @param dtype the element type, supported by the backend
     * @param loss the loss the network is trained for
     * @param initial the initial parameters, which also give the layer sizes; copied
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the backend does not support {@code dtype}
     * @throws dev.nabla.io.MemoryLimitException if the weights and gradients would not fit in memory
     */
    public Network(Backend backend, DType dtype, Loss loss, Parameters initial) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.loss = Objects.requireNonNull(loss, "loss");
        this.sizes = initial.sizes();
        MemoryBudget.require("a " + LayerSizes.format(sizes) + " network in " + dtype, "its weights and gradients",
                MemoryBudget.times(MemoryBudget.parameterCount(sizes), 2L * dtype.bytes()));
        int layers = sizes.length - 1;
        weights = new Tensor[layers];
        biases = new Tensor[layers];
        weightGrads = new Tensor[layers];
        biasGrads = new Tensor[layers];
        try {
            for (int l = 0; l < layers; l++) {
                weights[l] = backend.zeros(dtype, sizes[l + 1], sizes[l]);
                biases[l] = backend.zeros(dtype, 1, sizes[l + 1]);
                weightGrads[l] = backend.zeros(dtype, sizes[l + 1], sizes[l]);
                biasGrads[l] = backend.zeros(dtype, 1, sizes[l + 1]);
            }
            setParameters(initial);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * A builder: layer sizes (or parameters) are required; the loss defaults to mse, the dtype to
     * float32 and the seed to 42.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The backend the network's tensors live on.
     *
     * @return the backend
     */
    public Backend backend() {
        return backend;
    }

    /**
     * The element type of the network's tensors.
     *
     * @return the dtype
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The loss this network is trained for (and evaluated with by default).
     *
     * @return the loss
     */
    public Loss loss() {
        return loss;
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
        return weights.length;
    }

    /**
     * The input width.
     *
     * @return the number of inputs per example
     */
    public int inputs() {
        return sizes[0];
    }

    /**
     * The output width.
     *
     * @return the number of outputs per example
     */
    public int outputs() {
        return sizes[sizes.length - 1];
    }

    /**
     * A layer's weight tensor, [out, in]: the network's own, updated in place by training.
     *
     * @param layer the layer, from 0
     * @return the weight tensor
     */
    public Tensor weight(int layer) {
        return weights[layer];
    }

    /**
     * A layer's bias tensor, [1, out]: the network's own.
     *
     * @param layer the layer, from 0
     * @return the bias tensor
     */
    public Tensor bias(int layer) {
        return biases[layer];
    }

    /**
     * dLoss/dW of the last {@link #computeGradients} call (or what {@link #setGradients} put there).
     *
     * @param layer the layer, from 0
     * @return the weight gradient tensor, [out, in]
     */
    public Tensor weightGradient(int layer) {
        return weightGrads[layer];
    }

    /**
     * dLoss/db of the last {@link #computeGradients} call (or what {@link #setGradients} put there).
     *
     * @param layer the layer, from 0
     * @return the bias gradient tensor, [1, out]
     */
    public Tensor biasGradient(int layer) {
        return biasGrads[layer];
    }

    /**
     * Replaces the parameters with a copy of {@code p} (same layer sizes), rounded to the dtype.
     *
     * @param p the new parameters
     * @throws IllegalArgumentException if the layer sizes differ
     */
    public void setParameters(Parameters p) {
        requireSizes("parameters", p);
        for (int l = 0; l < layers(); l++) {
            backend.copyFromHost(p.weight(l), weights[l]);
            backend.copyFromHost(p.bias(l), biases[l]);
        }
    }

    /**
     * The current parameters, copied to the host in float64.
     *
     * @return new parameters
     */
    public Parameters parameters() {
        Parameters p = Parameters.zeros(sizes);
        for (int l = 0; l < layers(); l++) {
            backend.copyToHost(weights[l], p.weight(l), 0);
            backend.copyToHost(biases[l], p.bias(l), 0);
        }
        return p;
    }

    /**
     * The gradients of the last {@link #computeGradients} call, copied to the host in float64.
     *
     * @return new parameters holding the gradients (zeros before any call)
     */
    public Parameters gradients() {
        Parameters g = Parameters.zeros(sizes);
        for (int l = 0; l < layers(); l++) {
            backend.copyToHost(weightGrads[l], g.weight(l), 0);
            backend.copyToHost(biasGrads[l], g.bias(l), 0);
        }
        return g;
    }

    /**
     * Replaces the gradients with {@code g} (e.g. gradients summed over several machines), so that an
     * optimizer step applies them.
     *
     * @param g the gradients, with this network's layer sizes
     * @throws IllegalArgumentException if the layer sizes differ
     */
    public void setGradients(Parameters g) {
        requireSizes("gradients", g);
        for (int l = 0; l < layers(); l++) {
            backend.copyFromHost(g.weight(l), weightGrads[l]);
            backend.copyFromHost(g.bias(l), biasGrads[l]);
        }
    }

    /**
     * The forward pass over the mini-batch {@code x} [B, inputs]; returns the output activations
     * [B, outputs], a buffer owned by the network that the next pass with this batch size overwrites.
     *
     * @param x the inputs, a tensor of this network's backend and dtype
     * @return the outputs; do not close it
     * @throws IllegalArgumentException if {@code x} does not have {@link #inputs()} columns
     * @throws IllegalStateException if the network is closed
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
     *
     * @return the outputs; do not close it
     * @throws IllegalStateException if there was no forward pass yet
     */
    public Tensor lastOutput() {
        if (last == null) {
            throw new IllegalStateException("no forward pass yet");
        }
        return last.activations[layers() - 1];
    }

    /**
     * The mean loss (this network's own) on the mini-batch (x, y), without gradients.
     *
     * @param x the inputs, [B, inputs]
     * @param y the targets, [B, outputs]
     * @return the loss averaged over the B rows
     */
    public double loss(Tensor x, Tensor y) {
        return loss(x, y, loss);
    }

    /**
     * The mean of another loss on the mini-batch (x, y), e.g. to report mse for a bce network.
     *
     * @param x the inputs, [B, inputs]
     * @param y the targets, [B, outputs]
     * @param other the loss to evaluate
     * @return that loss averaged over the B rows
     */
    public double loss(Tensor x, Tensor y, Loss other) {
        Tensor out = forward(x);
        return backend.loss(other, last.logits, out, y);
    }

    /**
     * Forward and backward over the mini-batch (x, y): fills {@link #weightGradient} and
     * {@link #biasGradient} with the gradients of the mean loss and returns that loss, as computed
     * in the forward pass. Parameters are not changed: an optimizer step ({@link Sgd#step}) does that.
     *
     * @param x the inputs, [B, inputs]; must stay unchanged until the call returns
     * @param y the targets, [B, outputs]
     * @return the mean loss over the B rows, before any update
     */
    public double computeGradients(Tensor x, Tensor y) {
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

    /**
     * The outputs [rows][outputs] for each input row (float32), in batches of 256 rows.
     *
     * @param rows one array of {@link #inputs()} values per example; at least one
     * @return one array of {@link #outputs()} values per example
     * @throws IllegalArgumentException if there are no rows or a row has the wrong length
     */
    public float[][] predict(float[][] rows) {
        double[] out = predict(Features.of(rows));
        float[][] result = new float[rows.length][outputs()];
        for (int r = 0; r < rows.length; r++) {
            for (int o = 0; o < outputs(); o++) {
                result[r][o] = (float) out[r * outputs() + o];
            }
        }
        return result;
    }

    /**
     * The outputs [rows][outputs] for each input row (float64; computed in this network's dtype).
     *
     * @param rows one array of {@link #inputs()} values per example; at least one
     * @return one array of {@link #outputs()} values per example
     * @throws IllegalArgumentException if there are no rows or a row has the wrong length
     */
    public double[][] predict(double[][] rows) {
        double[] out = predict(Features.of(rows));
        double[][] result = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            result[r] = Arrays.copyOfRange(out, r * outputs(), (r + 1) * outputs());
        }
        return result;
    }

    /**
     * The outputs [rows, outputs], row-major, for every row of {@code inputs}, in mini-batches of 256 rows.
     *
     * @param inputs the examples, {@link #inputs()} values each
     * @return rows * outputs values
     * @throws IllegalArgumentException if the input width differs or the result exceeds one array
     * @throws dev.nabla.io.MemoryLimitException if the result would not fit in memory
     */
    public double[] predict(Features inputs) {
        return predict(inputs, PREDICT_BATCH);
    }

    /**
     * The outputs [rows, outputs], row-major, for every row of {@code inputs}, {@code batchSize} rows per pass.
     *
     * @param inputs the examples, {@link #inputs()} values each
     * @param batchSize rows per forward pass, at least 1
     * @return rows * outputs values
     * @throws IllegalArgumentException if {@code batchSize} is not positive, the input width
     *     differs, or the result exceeds one array
     * @throws dev.nabla.io.MemoryLimitException if the result would not fit in memory
     */
    public double[] predict(Features inputs, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (inputs.inputs() != inputs()) {
            throw new IllegalArgumentException("the inputs have " + inputs.inputs() + " values per row but the network "
                    + LayerSizes.format(sizes) + " takes " + inputs());
        }
        int rows = inputs.rows();
        int out = outputs();
        long values = (long) rows * out;
        if (values > LayerSizes.MAX_ARRAY) {
            throw new IllegalArgumentException(rows + " rows x " + out + " outputs = " + values
                    + " predictions, more than one array holds (" + LayerSizes.MAX_ARRAY + "): predict fewer rows at once");
        }
        MemoryBudget.require("predictions of " + rows + " rows", "the outputs in float64",
                MemoryBudget.times(values, 8));
        double[] result = new double[(int) values];
        int batch = Math.min(batchSize, rows);
        double[] hostX = new double[batch * inputs()];
        for (int from = 0; from < rows; from += batch) {
            int n = Math.min(batch, rows - from);
            if (predictInput == null || predictInput.rows() != n) {
                if (predictInput != null) {
                    predictInput.close();
                }
                predictInput = backend.zeros(dtype, n, inputs());
            }
            inputs.copyRows(from, n, hostX);
            backend.copyFromHost(hostX, 0, predictInput);
            backend.copyToHost(forward(predictInput), result, from * out);
        }
        return result;
    }

    private void requireSizes(String what, Parameters p) {
        if (!Arrays.equals(p.sizes(), sizes)) {
            throw new IllegalArgumentException(what + " have layer sizes " + LayerSizes.format(p.sizes())
                    + " but the network has " + LayerSizes.format(sizes));
        }
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

    /**
     * Whether {@link #close()} has been called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees the network's tensors (not the backend), the buffers and the tensors the accessors
     * returned included. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        workspaces.values().forEach(Workspace::close);
        workspaces.clear();
        if (predictInput != null) {
            predictInput.close();
        }
        for (Tensor[] group : new Tensor[][] {weights, biases, weightGrads, biasGrads}) {
            for (Tensor t : group) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Network " + LayerSizes.format(sizes) + " (" + loss + ") on " + backend.id() + " " + dtype;
    }

    /** The per-batch-size buffers of the forward and backward passes. */
    private final class Workspace implements AutoCloseable {
        final int batch;
        final Tensor[] activations;
        final Tensor[] deltas;
        final Tensor logits;

        Workspace(int batch) {
            long widths = 0;
            for (int l = 1; l < sizes.length; l++) {
                widths += sizes[l];
            }
            MemoryBudget.require("a batch of " + batch + " rows through the " + LayerSizes.format(sizes) + " network",
                    "its activations and deltas", MemoryBudget.times(MemoryBudget.times(2 * widths + outputs(), batch),
                            dtype.bytes()));
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

    /**
     * Builds a {@link Network}: {@code Network.builder().layers(784, 128, 10).loss(Loss.BCE).seed(7).build(backend)}.
     * Either {@link #layers} (weights drawn Xavier/Glorot uniform from {@link #seed}) or
     * {@link #parameters} (given weights) is required.
     */
    public static final class Builder {
        private int[] layers;
        private Parameters parameters;
        private Loss loss = Loss.MSE;
        private DType dtype = DType.FLOAT32;
        private long seed = 42;

        private Builder() {
        }

        /**
         * Layer sizes: input, hidden..., output (at least two, all positive).
         *
         * @param sizes the sizes, copied
         * @return this builder
         * @throws IllegalArgumentException if the sizes are invalid
         */
        public Builder layers(int... sizes) {
            this.layers = LayerSizes.validate(sizes);
            return this;
        }

        /**
         * Start from these weights instead of random ones (copied when the network is built). The
         * seed is then ignored.
         *
         * @param p the initial parameters
         * @return this builder
         * @throws NullPointerException if {@code p} is null
         */
        public Builder parameters(Parameters p) {
            this.parameters = Objects.requireNonNull(p, "parameters");
            return this;
        }

        /**
         * The loss the network is trained for: mse (the default) or bce.
         *
         * @param loss the loss
         * @return this builder
         * @throws NullPointerException if {@code loss} is null
         */
        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /**
         * float32 (the default, fast) or float64.
         *
         * @param dtype the element type
         * @return this builder
         * @throws NullPointerException if {@code dtype} is null
         */
        public Builder dtype(DType dtype) {
            this.dtype = Objects.requireNonNull(dtype, "dtype");
            return this;
        }

        /**
         * Seed of the Xavier/Glorot uniform initial weights (default 42); the same seed gives the same
         * weights everywhere ({@link Parameters#xavierUniform}).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * A new network on {@code backend}; the caller closes it. The builder may be reused.
         *
         * @param backend the backend to allocate on
         * @return the network
         * @throws NullPointerException if {@code backend} is null
         * @throws IllegalStateException if neither layer sizes nor parameters were given
         * @throws IllegalArgumentException if both were given and disagree, or the backend does not
         *     support the dtype
         * @throws dev.nabla.io.MemoryLimitException if the network would not fit in memory
         */
        public Network build(Backend backend) {
            Objects.requireNonNull(backend, "backend");
            if (parameters != null && layers != null && !Arrays.equals(layers, parameters.sizes())) {
                throw new IllegalArgumentException("layers " + LayerSizes.format(layers) + " differ from the parameters' "
                        + LayerSizes.format(parameters.sizes()));
            }
            if (parameters == null && layers == null) {
                throw new IllegalStateException("a network needs its layer sizes (layers(...)) or its parameters");
            }
            Parameters initial = parameters != null ? parameters : Parameters.xavierUniform(seed, layers);
            return new Network(backend, dtype, loss, initial);
        }
    }
}
