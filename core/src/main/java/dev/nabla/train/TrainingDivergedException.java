package dev.nabla.train;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A mini-batch loss became NaN or infinite: training stops rather than carry on with garbage
 * weights. The network's parameters are those before that batch's update (for engines that read
 * losses back per step), and {@link #lastCheckpoint()} is the newest good checkpoint, if any.
 */
public final class TrainingDivergedException extends TrainingException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;
    private final double loss;
    private final double learningRate;
    private final transient Path lastCheckpoint;

    /**
     * @param epoch 1-based
     * @param batch 1-based within the epoch
     */
    public TrainingDivergedException(int epoch, int batch, double loss, double learningRate, Path lastCheckpoint) {
        super(String.format(Locale.ROOT, "training diverged: the loss is %s at epoch %d, batch %d (learning rate %s); "
                        + "try a smaller learning rate; %s", loss, epoch, batch, learningRate,
                lastCheckpoint == null ? "no checkpoint was written" : "the last good checkpoint is " + lastCheckpoint));
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
        this.learningRate = learningRate;
        this.lastCheckpoint = lastCheckpoint;
    }

    /** The epoch, from 1. */
    public int epoch() {
        return epoch;
    }

    /** The batch within the epoch, from 1. */
    public int batch() {
        return batch;
    }

    public double loss() {
        return loss;
    }

    public double learningRate() {
        return learningRate;
    }

    /** The newest checkpoint written before the divergence, or null. */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }

    /** The same divergence, now knowing the last good checkpoint. */
    TrainingDivergedException withCheckpoint(Path checkpoint) {
        return new TrainingDivergedException(epoch, batch, loss, learningRate, checkpoint);
    }
}
