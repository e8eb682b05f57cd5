package dev.nabla.bench;

import dev.nabla.tensor.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadTest {
    @Test
    void namedShapesAndSizeListsParse() {
        assertArrayEquals(new int[] {784, 256, 256, 10}, Workload.shape("mnist"));
        assertArrayEquals(new int[] {1, 1, 1}, Workload.shape("TINY"));
        assertArrayEquals(new int[] {1024, 4096, 4096, 1024}, Workload.shape("wide"));
        assertArrayEquals(new int[] {784, 100, 10}, Workload.shape("784-100-10"));
        assertArrayEquals(new int[] {784, 100, 10}, Workload.shape("784,100,10"));
        assertEquals("mnist", Workload.of("784-256-256-10", 128, "float32").shapeName());
        assertEquals("mnist 784-256-256-10 b128 float64", Workload.of("mnist", 128, "f64").label());
        assertEquals("3-2 b4 float32", Workload.of("3-2", 4, "float32").label());
    }

    @Test
    void badShapesNameTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Workload.shape("mnits"));
        assertTrue(e.getMessage().contains("'mnits'") && e.getMessage().contains("mnist"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Workload.shape("784-0-10"));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Workload.of("mnist", 0, "float32"));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
    }

    @Test
    void gemmFlopsCountThreeProductsPerLayerButTheFirstLayersInputGradient() {
        // 2-3-1 at batch 4: layer 1 (2x3) forward + weight gradient = 2 * 2*4*2*3 = 96;
        // layer 2 (3x1) forward + weight gradient + input gradient = 3 * 2*4*3*1 = 72.
        assertEquals(168, Workload.of("2-3-1", 4, "float32").gemmFlopsPerStep());
        // tiny: 2 products of 2 flops in layer 1, 3 in layer 2.
        assertEquals(10, Workload.of("tiny", 1, "float32").gemmFlopsPerStep());
        // wide b256: 2*256*(3*(1024*4096 + 4096*4096 + 4096*1024) - 1024*4096)
        long wide = 2L * 256 * (3L * (1024 * 4096 + 4096 * 4096 + 4096 * 1024) - 1024 * 4096);
        assertEquals(wide, Workload.of("wide", 256, "float32").gemmFlopsPerStep());
        assertEquals(DType.FLOAT32, Workload.of("wide", 256, "float32").dtype());
    }

    @Test
    void elementwiseWorkIsSmallOnTheBenchmarkShapesButNotOnTiny() {
        assertTrue(Workload.of("mnist", 32, "float32").elementwiseShare() < 0.02);
        assertTrue(Workload.of("mnist", 128, "float32").elementwiseShare() < 0.01);
        assertTrue(Workload.of("wide", 256, "float32").elementwiseShare() < 0.01);
        assertTrue(Workload.of("tiny", 1, "float32").elementwiseShare() > 1);
    }
}
