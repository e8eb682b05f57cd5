package dev.nabla.train;

import java.util.Locale;

/**
 * A network's mean loss over a data set and, where the targets are one-hot, the accuracy of the
 * argmax (NaN otherwise).
 */
public record Evaluation(double loss, double accuracy, int rows) {
    public boolean hasAccuracy() {
        return !Double.isNaN(accuracy);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "loss %.6f", loss)
                + (hasAccuracy() ? String.format(Locale.ROOT, " accuracy %.2f%%", 100 * accuracy) : "");
    }
}
