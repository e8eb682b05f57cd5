package dev.nabla.backend.cuda;

import dev.nabla.backend.cuda.GemmPlanner.Plan;
import dev.nabla.tensor.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Launch geometry of every kernel, and the GEMM kernel's block-to-tile order, for all shapes. */
class GeometryTest {
    @Test
    void elementwiseGridsAreBoundedAndNeverEmpty() {
        assertEquals(Geometry.of1d(1, 256), Geometry.elementwise(1));
        assertEquals(Geometry.of1d(1, 256), Geometry.elementwise(256));
        assertEquals(Geometry.of1d(2, 256), Geometry.elementwise(257));
        assertEquals(Geometry.ELEMENTWISE_MAX_BLOCKS, Geometry.elementwise(Integer.MAX_VALUE - 8L).gridX());
        for (long n = 1; n < 5_000_000; n = n * 3 + 1) {
            Geometry g = Geometry.elementwise(n);
            assertTrue(g.gridX() >= 1 && g.gridX() <= Geometry.ELEMENTWISE_MAX_BLOCKS);
            assertTrue(g.threads() >= Math.min(n, (long) Geometry.ELEMENTWISE_MAX_BLOCKS * 256), "n=" + n);
        }
    }

    @Test
    void lossGridDependsOnTheElementCountAlone() {
        for (long n = 1; n < 100_000_000; n = n * 2 + 1) {
            Geometry g = Geometry.loss(n);
            assertEquals(KernelCatalog.REDUCE_THREADS, g.blockX());
            assertTrue(g.gridX() >= 1 && g.gridX() <= Geometry.LOSS_MAX_BLOCKS, "n=" + n);
            assertEquals(g, Geometry.loss(n), "the same n gives the same partial sums");
        }
        assertEquals(1, Geometry.loss(2048).gridX());
        assertEquals(2, Geometry.loss(2049).gridX());
        assertEquals(Geometry.of1d(1, KernelCatalog.REDUCE_THREADS), Geometry.sumPartials());
    }

    @Test
    void columnSumsTakeOneBlockPer32Columns() {
        assertEquals(new Geometry(1, 1, 1, 32, 8, 1), Geometry.columnSums(1));
        assertEquals(new Geometry(1, 1, 1, 32, 8, 1), Geometry.columnSums(32));
        assertEquals(new Geometry(2, 1, 1, 32, 8, 1), Geometry.columnSums(33));
        assertEquals(128, Geometry.columnSums(4096).gridX());
    }

    @Test
    void cudaLimitsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> new Geometry(0, 1, 1, 32, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 1, 1, 1025, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 1, 1, 32, 32, 2));
        assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 65536, 1, 32, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 1, 65536, 32, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Geometry(1, 1, 1, 1, 1, 65));
    }

    /**
     * gemm_tile's grouped block order (gemm.cuh), transcribed: block pid computes tile (tm, tn). For
     * every shape each output tile must be computed by exactly one block.
     */
    static int[] tileOf(int pid, int tilesM, int tilesN) {
        int group = 8;
        int perGroup = group * tilesN;
        int firstM = (pid / perGroup) * group;
        int groupRows = Math.min(tilesM - firstM, group);
        int tm = firstM + (pid % perGroup) % groupRows;
        int tn = (pid % perGroup) / groupRows;
        return new int[] {tm, tn};
    }

    @Test
    void everyOutputTileIsComputedByExactlyOneBlock() {
        int[] sizes = {1, 31, 32, 33, 100, 128, 129, 500, 1000, 1024, 4096, 5000};
        for (DType dtype : DType.values()) {
            for (int m : sizes) {
                for (int n : sizes) {
                    for (GemmPlanner.Tile tile : GemmPlanner.Tile.values()) {
                        Plan p = GemmPlanner.plan(dtype, m, n, 64, 132, tile, 1);
                        int tilesM = GemmPlanner.ceilDiv(m, tile.bm());
                        int tilesN = GemmPlanner.ceilDiv(n, tile.bn());
                        boolean[] seen = new boolean[tilesM * tilesN];
                        for (int pid = 0; pid < p.gridX(); pid++) {
                            int[] t = tileOf(pid, tilesM, tilesN);
                            String what = m + "x" + n + " tile " + tile + " block " + pid;
                            assertTrue(t[0] >= 0 && t[0] < tilesM && t[1] >= 0 && t[1] < tilesN, what + " is outside");
                            int idx = t[0] * tilesN + t[1];
                            assertTrue(!seen[idx], what + " repeats tile " + t[0] + "," + t[1]);
                            seen[idx] = true;
                        }
                    }
                }
            }
        }
    }
}
