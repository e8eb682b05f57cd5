package dev.nabla.spark;

import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.nn.Sgd;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An executor's means to compute: a backend, a network on it, its SGD (for {@code average} mode),
 * and reused host staging arrays and input tensors. Built once per task slot and kept by
 * {@link Workers} across steps and tasks; used by one task at a time.
 */
final class Worker implements AutoCloseable {
    private static final int CACHED_BATCH_SIZES = 8;

    final WorkerSpec spec;
    final Backend backend;
    final Network net;
    private Sgd sgd;
    private final Parameters scratch;
    private Parameters zeros;
    private float[] fx = new float[0];
    private float[] fy = new float[0];
    private double[] dx = new double[0];
    private double[] dy = new double[0];
    private final Map<Integer, Tensor[]> inputs = new LinkedHashMap<>(16, 0.75f, true);

    Worker(WorkerSpec spec, int threads) {
        this.spec = spec;
        this.backend = Backends.installed().create(spec.backendId(), BackendOptions.defaults().withThreads(threads));
        try {
            this.scratch = Parameters.zeros(spec.sizes());
            this.net = new Network(backend, spec.dtype(), spec.loss(), scratch);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    void setWeights(Weights w) {
        w.parametersInto(scratch);
        net.setParameters(scratch);
    }

    /** Sets the momentum buffers from {@code w}, or to zeros when it carries none. */
    void setVelocities(Weights w) {
        if (!w.velocitiesInto(scratch)) {
            if (zeros == null) {
                zeros = Parameters.zeros(spec.sizes());
            }
            sgd().setVelocities(net, zeros);
        } else {
            sgd().setVelocities(net, scratch);
        }
    }

    Sgd sgd() {
        if (sgd == null) {
            sgd = Sgd.builder().learningRate(spec.learningRate()).momentum(spec.momentum()).build();
        }
        return sgd;
    }

    /**
     * Forward and backward over the shard's local rows {@code local[from .. from+n)}; the network's
     * gradients then hold the batch-mean gradients. Returns the batch-mean loss.
     */
    double gradients(Shard shard, int[] local, int from, int n) {
        Tensor[] xy = batchTensors(n);
        if (spec.dtype() == DType.FLOAT64) {
            if (dx.length < n * shard.inputs) {
                dx = new double[n * shard.inputs];
                dy = new double[n * shard.outputs];
            }
            shard.gather(local, from, n, dx, dy);
            backend.copyFromHost(dx, 0, xy[0]);
            backend.copyFromHost(dy, 0, xy[1]);
        } else {
            if (fx.length < n * shard.inputs) {
                fx = new float[n * shard.inputs];
                fy = new float[n * shard.outputs];
            }
            shard.gather(local, from, n, fx, fy);
            backend.copyFromHost(fx, 0, xy[0]);
            backend.copyFromHost(fy, 0, xy[1]);
        }
        return net.computeGradients(xy[0], xy[1]);
    }

    private Tensor[] batchTensors(int n) {
        Tensor[] xy = inputs.get(n);
        if (xy == null) {
            if (inputs.size() >= CACHED_BATCH_SIZES) {
                Iterator<Tensor[]> eldest = inputs.values().iterator();
                Tensor[] old = eldest.next();
                old[0].close();
                old[1].close();
                eldest.remove();
            }
            xy = new Tensor[] {backend.zeros(spec.dtype(), n, spec.sizes()[0]),
                    backend.zeros(spec.dtype(), n, spec.sizes()[spec.sizes().length - 1])};
            inputs.put(n, xy);
        }
        return xy;
    }

    @Override
    public void close() {
        for (Tensor[] xy : inputs.values()) {
            xy[0].close();
            xy[1].close();
        }
        inputs.clear();
        if (sgd != null) {
            sgd.close();
        }
        net.close();
        backend.close();
    }
}
