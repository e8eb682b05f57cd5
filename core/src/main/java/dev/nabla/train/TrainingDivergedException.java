package dev.nabla.train;

/** The loss became NaN or infinite: training stops rather than carry on with garbage weights. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;
    private final double loss;

    public TrainingDivergedException(int epoch, int batch, double loss, double learningRate) {
        super("training diverged: the loss is " + loss + " at epoch " + epoch + ", batch " + batch
                + " (learning rate " + learningRate + "); try a smaller learning rate");
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
    }

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }

    public double loss() {
        return loss;
    }
}
