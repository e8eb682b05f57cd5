package dev.nabla.train;

/** Progress within an epoch, for a lambda: {@code (epoch, batch, batches) -> ...}, all 1-based. */
@FunctionalInterface
public interface BatchListener {
    /**
     * Called on the training thread after the update of one batch.
     *
     * @param epoch the epoch, from 1
     * @param batch the batch within the epoch, from 1
     * @param batches the epoch's number of batches
     */
    void onBatchEnd(int epoch, int batch, int batches);
}
