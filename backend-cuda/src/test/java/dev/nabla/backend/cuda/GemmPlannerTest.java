package dev.nabla.backend.cuda;

import dev.nabla.backend.cuda.GemmPlanner.Plan;
import dev.nabla.backend.cuda.GemmPlanner.Tile;
import dev.nabla.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GEMM plans: always a valid launch; the shapes of issue 12 fill an H100's 132 SMs. */
class GemmPlannerTest {
    private static final int[] SIZES = {1, 2, 3, 7, 8, 9, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 784, 1000,
        4096};
    private static final int[] SM_COUNTS = {1, 8, 46, 80, 132, 170};

    /** Checks what every plan must satisfy for the kernel to compute exactly C. */
    static void assertValid(Plan p, DType dtype, int m, int n, int k, String what) {
        assertNotNull(p, what);
        long tiles = (long) GemmPlanner.ceilDiv(m, p.tile().bm()) * GemmPlanner.ceilDiv(n, p.tile().bn());
        assertEquals(tiles, p.gridX(), what + ": one block per output tile");
        assertEquals(0, p.kChunk() % GemmPlanner.BK, what + ": K chunks are whole BK steps");
        assertTrue((long) p.splits() * p.kChunk() >= k, what + ": the splits cover K");
        assertTrue((long) (p.splits() - 1) * p.kChunk() < k, what + ": no split is empty");
        assertTrue(p.splits() >= 1 && p.splits() <= 65535, what + ": split count within gridDim.z");
        assertEquals(p.splits() > 1 ? (long) p.splits() * m * n : 0, p.workspaceElements(), what + ": workspace");
        Geometry g = Geometry.gemm(p);
        assertEquals(p.tile().threads(), g.blockX(), what);
        assertEquals(p.splits(), g.gridZ(), what);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyPlanIsAValidLaunch(DType dtype) {
        int checked = 0;
        for (int sms : SM_COUNTS) {
            for (int m : SIZES) {
                for (int n : SIZES) {
                    for (int k : new int[] {1, 5, 8, 9, 100, 257, 1024, 4096}) {
                        String what = dtype + " " + m + "x" + n + "x" + k + " on " + sms + " SMs";
                        Plan p = GemmPlanner.plan(dtype, m, n, k, sms);
                        assertValid(p, dtype, m, n, k, what);
                        if (p.splits() > 1) {
                            assertTrue(p.kChunk() >= 128, what + ": no split-K below 128 deep chunks");
                            assertTrue(p.workspaceElements() <= GemmPlanner.MAX_WORKSPACE_ELEMENTS, what);
                        }
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 10000);
    }

    @Test
    void forcedTilesAndSplitsAreHonouredAndClamped() {
        for (Tile tile : Tile.values()) {
            for (int splits : new int[] {1, 2, 3, 7, 64}) {
                for (int[] s : new int[][] {{1, 1, 1}, {33, 17, 300}, {130, 260, 33}, {5, 3, 20}}) {
                    Plan p = GemmPlanner.plan(DType.FLOAT32, s[0], s[1], s[2], 132, tile, splits);
                    String what = tile + " split " + splits + " " + s[0] + "x" + s[1] + "x" + s[2];
                    assertEquals(tile, p.tile(), what);
                    assertValid(p, DType.FLOAT32, s[0], s[1], s[2], what);
                    assertTrue(p.splits() <= splits, what);
                }
            }
        }
        // K = 20 cannot be cut into 8: chunks of 8 give 3 splits.
        Plan p = GemmPlanner.plan(DType.FLOAT64, 4, 4, 20, 132, Tile.S, 8);
        assertEquals(3, p.splits());
        assertEquals(8, p.kChunk());
    }

    /** Issue 12's shapes on an H100/H200 (132 SMs): the large tile, and enough blocks for every SM. */
    @ParameterizedTest
    @EnumSource(DType.class)
    void issue12ShapesFillAHopper(DType dtype) {
        int sms = 132;
        int[][] shapes = {{4096, 4096, 4096}, {256, 4096, 4096}, {4096, 4096, 256}, {4096, 256, 4096}};
        for (int[] s : shapes) {
            Plan p = GemmPlanner.plan(dtype, s[0], s[1], s[2], sms);
            String what = dtype + " " + s[0] + "x" + s[1] + "x" + s[2] + ": " + p;
            assertEquals(Tile.L, p.tile(), what);
            long slots = (long) sms * p.tile().blocksPerSm(dtype);
            long blocks = (long) p.gridX() * p.splits();
            assertTrue(blocks >= 0.9 * sms, what + " leaves SMs idle");
            long waves = (blocks + slots - 1) / slots;
            assertTrue(blocks >= 0.85 * waves * slots, what + ": the waves of blocks are mostly empty");
            double ideal = (double) s[0] * s[1] * s[2] / sms;
            assertTrue(ideal / p.cost() > 0.85, what + ": modelled efficiency " + ideal / p.cost());
        }
        assertEquals(1, GemmPlanner.plan(dtype, 4096, 4096, 4096, sms).splits(), "4096^3 needs no split-K");
        assertTrue(GemmPlanner.plan(dtype, 256, 4096, 4096, sms).splits() > 1, "256 x 4096 x 4096 needs split-K");
    }

    @Test
    void smallProductsAreOneSmallLaunch() {
        Plan p = GemmPlanner.plan(DType.FLOAT32, 1, 1, 1, 132);
        assertEquals(1, p.gridX());
        assertEquals(1, p.splits());
        assertEquals(Tile.S, p.tile());
        List<String> big = new ArrayList<>();
        for (int m : new int[] {1, 16, 64, 128, 256}) {
            for (int n : new int[] {1, 10, 256}) {
                Plan q = GemmPlanner.plan(DType.FLOAT32, m, n, 256, 132);
                if (q.tile() == Tile.L) {
                    big.add(m + "x" + n);
                }
            }
        }
        assertTrue(big.isEmpty(), "small products should not take the 128x128 tile: " + big);
    }

    @Test
    void badShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GemmPlanner.plan(DType.FLOAT32, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> GemmPlanner.plan(DType.FLOAT32, 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Tile.parse("xl"));
        assertEquals(Tile.M, Tile.parse(" M "));
    }
}
