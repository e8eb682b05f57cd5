package dev.nabla.tensor;

import java.util.Locale;

/**
 * The two losses, averaged over the mini-batch of B rows, of a network whose output layer is a
 * sigmoid (a = sigmoid(z)).
 *
 * <ul>
 *   <li>{@link #MSE}: 1/(2B) * sum over rows and outputs of (a - y)^2. Per example this is seed 002's
 *       1/2 (y - a)^2; dLoss/dz = (a - y) * a(1 - a) / B.</li>
 *   <li>{@link #BCE}: -1/B * sum [y log a + (1 - y) log(1 - a)], evaluated from the logits as
 *       softplus(z) - y z so that saturated outputs give finite losses; dLoss/dz = (a - y) / B.</li>
 * </ul>
 */
public enum Loss {
    /** Mean squared error, halved: {@code mse}. Evaluated from the outputs a alone. */
    MSE("mse"),
    /** Binary cross-entropy: {@code bce}. Evaluated from the logits z, so it needs them. */
    BCE("bce");

    private final String label;

    Loss(String label) {
        this.label = label;
    }

    /**
     * Whether evaluating this loss needs the output layer's pre-activation z (the logits); then
     * {@link Backend#loss} and {@link Backend#lossAndGradient} require it. Its gradient never does.
     *
     * @return true for {@link #BCE}
     */
    public boolean needsLogits() {
        return this == BCE;
    }

    /**
     * Parses {@code mse} or {@code bce}, case-insensitively and ignoring surrounding white space;
     * the inverse of {@link #toString()}.
     *
     * @param text the name
     * @return the loss it names
     * @throws IllegalArgumentException if the text names no loss
     * @throws NullPointerException if {@code text} is null
     */
    public static Loss parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "mse":
                return MSE;
            case "bce":
                return BCE;
            default:
                throw new IllegalArgumentException("unknown loss '" + text + "': expected mse or bce");
        }
    }

    /**
     * The name used on the command line and in model files: {@code mse} or {@code bce}.
     *
     * @return the lowercase name
     */
    @Override
    public String toString() {
        return label;
    }
}
