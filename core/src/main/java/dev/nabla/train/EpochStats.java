package dev.nabla.train;

/**
 * What one epoch did. {@code loss} is the mean of its mini-batch losses, each computed in the
 * forward pass before that batch's update (what seed 002's program prints).
 */
public final class EpochStats {
    private final int epoch;
    private final double loss;
    private final long samples;
    private final double seconds;

    public EpochStats(int epoch, double loss, long samples, double seconds) {
        this.epoch = epoch;
        this.loss = loss;
        this.samples = samples;
        this.seconds = seconds;
    }

    /** 0-based epoch index. */
    public int epoch() {
        return epoch;
    }

    public double loss() {
        return loss;
    }

    public long samples() {
        return samples;
    }

    public double seconds() {
        return seconds;
    }

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : Double.POSITIVE_INFINITY;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "epoch %d loss %.6f %.0f samples/s", epoch, loss, samplesPerSecond());
    }
}
