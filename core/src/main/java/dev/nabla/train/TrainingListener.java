package dev.nabla.train;

/**
 * Callbacks from a {@link TrainingRun}, on the training thread; all default to doing nothing. For a
 * single callback pass a lambda to {@link TrainingRun.Builder#onEpochEnd} or
 * {@link TrainingRun.Builder#onBatchEnd} instead. Epochs and batches are counted from 1, as printed.
 */
public interface TrainingListener {
    /**
     * Epoch {@code epoch} (1-based) of {@code epochs} is about to run its {@code batches} steps.
     *
     * @param epoch the epoch, from 1
     * @param epochs the run's total
     * @param batches the steps of the epoch
     */
    default void onEpochStart(int epoch, int epochs, int batches) {
    }

    /**
     * After the update of batch {@code batch} (1-based) of {@code batches} in epoch {@code epoch}.
     *
     * @param epoch the epoch, from 1
     * @param batch the batch, from 1
     * @param batches the steps of the epoch
     */
    default void onBatchEnd(int epoch, int batch, int batches) {
    }

    /**
     * After an epoch, its validation and its checkpoint.
     *
     * @param report what the epoch did
     */
    default void onEpochEnd(EpochReport report) {
    }

    /**
     * Something went wrong that does not stop the run (e.g. the JSON log could not be written).
     *
     * @param message one line saying what
     */
    default void onWarning(String message) {
    }
}
