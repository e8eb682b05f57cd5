package dev.nabla.train;

import java.util.Locale;

/**
 * A network's mean loss over a data set and, where the targets are one-hot, the accuracy of the
 * argmax (NaN otherwise).
 *
 * @param loss the mean loss per row
 * @param accuracy the fraction of rows whose largest output is at the target's 1, in [0, 1]; NaN
 *     when the targets are not one-hot
 * @param rows the rows evaluated
 */
public record Evaluation(double loss, double accuracy, int rows) {
    /**
     * Whether an accuracy was measured.
     *
     * @return true unless {@link #accuracy()} is NaN
     */
    public boolean hasAccuracy() {
        return !Double.isNaN(accuracy);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "loss %.6f", loss)
                + (hasAccuracy() ? String.format(Locale.ROOT, " accuracy %.2f%%", 100 * accuracy) : "");
    }
}
