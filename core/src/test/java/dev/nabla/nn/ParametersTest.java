package dev.nabla.nn;

import dev.nabla.data.Dataset;
import dev.nabla.seeds.SyntheticTeacher;
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
    void syntheticTeacherIsSeededAndInRange() {
        Dataset a = SyntheticTeacher.generate(3, 200, 5, 7, 2);
        Dataset b = SyntheticTeacher.generate(3, 200, 5, 7, 2);
        assertArrayEquals(a.featureFloats(), b.featureFloats());
        assertArrayEquals(a.targetFloats(), b.targetFloats());
        for (float y : a.targetFloats()) {
            assertTrue(y > 0 && y < 1);
        }
        double mean = 0;
        double var = 0;
        for (float y : a.targetFloats()) {
            mean += y / a.targetFloats().length;
        }
        for (float y : a.targetFloats()) {
            var += (y - mean) * (y - mean) / a.targetFloats().length;
        }
        assertTrue(var > 0.01, "teacher outputs vary (variance " + var + ")");
    }
}
