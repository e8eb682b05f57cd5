package dev.nabla.spark;

import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * What an executor needs to build its network for a run: the backend by id and its threads, the
 * network's shape, dtype and loss, and the SGD settings of {@code average} mode's local steps.
 * Executors keep one {@link Worker} per spec and task slot across steps, tasks and runs.
 *
 * @param backendId the backend's id, e.g. {@code cpu}
 * @param threads backend threads per task; 0: the task's {@code spark.task.cpus}
 * @param dtype the network's dtype
 * @param sizes the layer sizes, inputs first
 * @param loss the network's loss
 * @param learningRate the SGD step of {@code average} mode's local steps
 * @param momentum the momentum of {@code average} mode's local steps
 */
record WorkerSpec(String backendId, int threads, DType dtype, int[] sizes, Loss loss, double learningRate,
                  double momentum) implements Serializable {
    WorkerSpec {
        Objects.requireNonNull(backendId, "backend id");
        sizes = sizes.clone();
    }

    int parameterCount() {
        return Flat.length(sizes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerSpec s && backendId.equals(s.backendId) && threads == s.threads
                && dtype == s.dtype && Arrays.equals(sizes, s.sizes) && loss == s.loss
                && Double.compare(learningRate, s.learningRate) == 0 && Double.compare(momentum, s.momentum) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(backendId, threads, dtype, Arrays.hashCode(sizes), loss, learningRate, momentum);
    }
}
