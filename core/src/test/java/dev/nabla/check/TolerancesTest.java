package dev.nabla.check;

import dev.nabla.tensor.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The judging rule of the cross-checks: differences relative to the largest magnitude of the tensor. */
class TolerancesTest {
    @Test
    void relativeDifferenceIsScaledByTheLargestMagnitude() {
        double[] expected = {1.0, -4.0, 0.5};
        assertEquals(0.0, Tolerances.maxRelativeDifference(expected, expected.clone()));
        assertEquals(0.25, Tolerances.maxRelativeDifference(expected, new double[] {1.0, -4.0, 1.5}), 1e-15);
        assertEquals(Double.POSITIVE_INFINITY,
                Tolerances.maxRelativeDifference(expected, new double[] {1.0, Double.NaN, 0.5}));
        assertEquals(3.0, Tolerances.maxRelativeDifference(new double[] {0, 0}, new double[] {0, 3}), 0.0,
                "an all-zero tensor is judged by the absolute difference");
    }

    @Test
    void tolerancesAreDesignsNumbers() {
        assertEquals(1e-12, Tolerances.gradient(DType.FLOAT64));
        assertEquals(1e-5, Tolerances.gradient(DType.FLOAT32));
        double[] base = {1e-3, 2e-3};
        assertTrue(Tolerances.maxRelativeDifference(base, new double[] {1e-3 + 1e-16, 2e-3}) <= Tolerances.gradient(DType.FLOAT64));
        assertFalse(Tolerances.maxRelativeDifference(base, new double[] {1e-3 + 1e-13, 2e-3}) <= Tolerances.gradient(DType.FLOAT64));
    }
}
