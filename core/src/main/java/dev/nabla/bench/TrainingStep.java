package dev.nabla.bench;

/**
 * One full mini-batch SGD step (forward, loss, backward, update) on a fixed resident batch, the unit
 * every throughput benchmark times: Nabla's backends through {@link SgdStep}, and peers (DL4J) in the
 * benchmarks module through the same interface.
 */
public interface TrainingStep extends AutoCloseable {
    /**
     * Rows per step; samples/s = steps/s x batch.
     *
     * @return the batch size
     */
    int batch();

    /**
     * Runs one step.
     *
     * @return the mini-batch loss its forward pass computed
     */
    double run();

    /**
     * One line: what runs the step (backend, threads, library versions).
     *
     * @return the description
     */
    String description();

    /** Frees what the step holds (tensors, the network); never the backend. */
    @Override
    void close();
}
