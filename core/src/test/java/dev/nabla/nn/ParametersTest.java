package dev.nabla.nn;

import dev.nabla.data.Dataset;
import dev.nabla.data.SyntheticTeacher;
import dev.nabla.train.Trainer;
import dev.nabla.train.TrainingConfig;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParametersTest {
    @Test
    void xavierUniformIsSeededAndWithinItsBound() {
        Parameters a = Parameters.xavierUniform(7, 30, 20, 5);
        Parameters b = Parameters.xavierUniform(7, 30, 20, 5);
        assertEquals(a, b, "same seed, same weights");
        assertNotEquals(a, Parameters.xavierUniform(8, 30, 20, 5));
        double bound = Math.sqrt(6.0 / (30 + 20));
        double max = Arrays.stream(a.weight(0)).map(Math::abs).max().orElseThrow();
        assertTrue(max <= bound && max > 0.9 * bound, "max |w| " + max + " vs bound " + bound);
        assertArrayEquals(new double[5], a.bias(1), "biases start at zero");
        assertEquals(30 * 20 + 20 + 20 * 5 + 5, a.count());
        assertEquals(20 * 30, a.weight(0).length, "weights are [out, in]");
    }

    @Test
    void layerSizesParseAndReject() {
        assertArrayEquals(new int[] {784, 256, 10}, LayerSizes.parse("784, 256,10"));
        assertEquals("784-256-10", LayerSizes.format(new int[] {784, 256, 10}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerSizes.parse("8,x,4"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerSizes.parse("8"));
        assertThrows(IllegalArgumentException.class, () -> LayerSizes.parse("8,0,4"));
    }

    @Test
    void epochOrderIsAPermutationFixedBySeedAndEpoch() {
        int[] e0 = Trainer.epochOrder(100, 42, 0);
        assertArrayEquals(e0, Trainer.epochOrder(100, 42, 0));
        assertFalse(Arrays.equals(e0, Trainer.epochOrder(100, 42, 1)), "a new order each epoch");
        assertFalse(Arrays.equals(e0, Trainer.epochOrder(100, 43, 0)), "a new order for another seed");
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void syntheticTeacherIsSeededAndInRange() {
        Dataset a = SyntheticTeacher.generate(3, 200, 5, 7, 2);
        Dataset b = SyntheticTeacher.generate(3, 200, 5, 7, 2);
        assertArrayEquals(a.features(), b.features());
        assertArrayEquals(a.targets(), b.targets());
        for (float y : a.targets()) {
            assertTrue(y > 0 && y < 1);
        }
        double mean = 0;
        double var = 0;
        for (float y : a.targets()) {
            mean += y / a.targets().length;
        }
        for (float y : a.targets()) {
            var += (y - mean) * (y - mean) / a.targets().length;
        }
        assertTrue(var > 0.01, "teacher outputs vary (variance " + var + ")");
    }

    @Test
    void optimizerAndConfigRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new TrainingConfig(dev.nabla.tensor.Loss.MSE, 0, 1, true, 0));
    }
}
