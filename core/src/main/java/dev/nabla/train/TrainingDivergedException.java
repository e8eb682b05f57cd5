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

    /** The epoch, from 1. */
    private final int epoch;
    /** The batch within the epoch, from 1. */
    private final int batch;
    /** The batch loss, NaN or infinite. */
    private final double loss;
    /** The learning rate in use. */
    private final double learningRate;
    private final transient Path lastCheckpoint;

    /**
     * Creates the exception; the message says where it diverged, suggests a smaller learning rate
     * and names the last checkpoint.
     *
     * @param epoch 1-based
     * @param batch 1-based within the epoch
     * @param loss the batch's loss, NaN or infinite
     * @param learningRate the learning rate in use
     * @param lastCheckpoint the newest good checkpoint, or null
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

    /**
     * The epoch, from 1.
     *
     * @return the epoch in which the loss diverged
     */
    public int epoch() {
        return epoch;
    }

    /**
     * The batch within the epoch, from 1.
     *
     * @return the batch whose loss diverged
     */
    public int batch() {
        return batch;
    }

    /**
     * The batch's loss.
     *
     * @return NaN or an infinity
     */
    public double loss() {
        return loss;
    }

    /**
     * The learning rate the run used.
     *
     * @return the learning rate
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * The newest checkpoint written before the divergence: resume from it with a smaller learning rate.
     *
     * @return its path, or null (none written, or after deserialization)
     */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }

    /** The same divergence, now knowing the last good checkpoint. */
    TrainingDivergedException withCheckpoint(Path checkpoint) {
        return new TrainingDivergedException(epoch, batch, loss, learningRate, checkpoint);
    }
}
