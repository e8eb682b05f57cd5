package dev.nabla.train;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What one epoch did.
 *
 * @param epoch      the epoch's number, from 1
 * @param epochs     the run's total
 * @param loss       the mean of the epoch's mini-batch losses, each computed in the forward pass
 *                   before that batch's update (what seed 002's program prints)
 * @param validation the validation set's loss (and accuracy) after the epoch, or null without one
 * @param samples    rows visited
 * @param seconds    wall time of the epoch's steps (validation and checkpoint excluded)
 * @param checkpoint the checkpoint written after the epoch, or null
 */
public record EpochReport(int epoch, int epochs, double loss, Evaluation validation, long samples, double seconds,
                          Path checkpoint) {
    /**
     * Training throughput of the epoch.
     *
     * @return samples / seconds; infinity when the epoch took no measurable time
     */
    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : Double.POSITIVE_INFINITY;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "epoch %d/%d loss %.6f%s %.0f samples/s", epoch, epochs, loss,
                validation == null ? "" : " " + validation, samplesPerSecond());
    }
}
