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
    MSE("mse"),
    BCE("bce");

    private final String label;

    Loss(String label) {
        this.label = label;
    }

    /** Whether evaluating this loss needs the output layer's pre-activation z. */
    public boolean needsLogits() {
        return this == BCE;
    }

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

    @Override
    public String toString() {
        return label;
    }
}
