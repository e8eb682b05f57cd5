package dev.nabla.train;

import dev.nabla.tensor.Loss;

import java.util.Objects;

/** How {@link Trainer} iterates: loss, mini-batch size, epochs, and the per-epoch shuffle. */
public final class TrainingConfig {
    private final Loss loss;
    private final int batchSize;
    private final int epochs;
    private final boolean shuffle;
    private final long seed;

    /**
     * @param shuffle whether each epoch visits the rows in a fresh seeded random order; the order of
     *                epoch e depends only on (seed, e), so a resumed run sees the same batches
     */
    public TrainingConfig(Loss loss, int batchSize, int epochs, boolean shuffle, long seed) {
        this.loss = Objects.requireNonNull(loss, "loss");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        this.batchSize = batchSize;
        this.epochs = epochs;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    public Loss loss() {
        return loss;
    }

    public int batchSize() {
        return batchSize;
    }

    public int epochs() {
        return epochs;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public long seed() {
        return seed;
    }
}
