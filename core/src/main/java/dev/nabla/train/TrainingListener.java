package dev.nabla.train;

/** Callbacks from {@link Trainer#fit}; all default to doing nothing. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {
    };

    default void onEpochStart(int epoch, int batches) {
    }

    /** After the update of batch {@code batch} (0-based) of {@code batches}; {@code loss} is its forward-pass loss. */
    default void onBatchEnd(int epoch, int batch, int batches, double loss) {
    }

    default void onEpochEnd(EpochStats stats) {
    }
}
