package dev.nabla.train;

/** Progress within an epoch, for a lambda: {@code (epoch, batch, batches) -> ...}, all 1-based. */
@FunctionalInterface
public interface BatchListener {
    void onBatchEnd(int epoch, int batch, int batches);
}
