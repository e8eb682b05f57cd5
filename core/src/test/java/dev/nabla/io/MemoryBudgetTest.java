package dev.nabla.io;

import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, cases 2 and 5: sizes are checked against the heap before anything is allocated. */
class MemoryBudgetTest {
    @Test
    void arithmeticSaturatesInsteadOfOverflowing() {
        assertEquals(Long.MAX_VALUE, MemoryBudget.times(Long.MAX_VALUE / 2, 3));
        assertEquals(Long.MAX_VALUE, MemoryBudget.times(1L << 40, 1L << 40));
        assertEquals(6, MemoryBudget.times(2, 3));
        assertEquals(Long.MAX_VALUE, MemoryBudget.plus(Long.MAX_VALUE, 1));
        assertEquals(8L * 1_000_000 + 1_000_000 + 1_000_000L * 1_000_000 + 1_000_000 + 4_000_000 + 4,
                MemoryBudget.parameterCount(new int[] {8, 1_000_000, 1_000_000, 4}));
        assertEquals(Long.MAX_VALUE, MemoryBudget.trainingBytes(new int[] {8, Integer.MAX_VALUE, Integer.MAX_VALUE, 4},
                DType.FLOAT64, Integer.MAX_VALUE, true));
        assertEquals("812 bytes", MemoryBudget.describe(812));
        assertEquals("3.4 MiB", MemoryBudget.describe(3_565_158));
        assertEquals("12 GiB", MemoryBudget.describe(12L << 30));
    }

    @Test
    void aRefusalNamesWhatAskedTheSizeAndTheLimit() {
        MemoryLimitException e = assertThrows(MemoryLimitException.class,
                () -> MemoryBudget.require("--layers 8,40000,40000,4", "training it", 40L << 30));
        assertTrue(e.getMessage().startsWith("--layers 8,40000,40000,4: training it need 40 GiB, more than "), e.getMessage());
        assertTrue(e.getMessage().contains("this process may use (the Java heap, -Xmx)"), e.getMessage());
        assertEquals(40L << 30, e.requested());
        MemoryBudget.require("a little", "it", 1000); // passes
    }

    @Test
    void theLimitCanBeSetAndIsThenObeyed() {
        String before = System.getProperty(MemoryBudget.LIMIT_PROPERTY);
        System.setProperty(MemoryBudget.LIMIT_PROPERTY, "1m");
        try {
            assertEquals(1L << 20, MemoryBudget.limit());
            assertTrue(assertThrows(MemoryLimitException.class, () -> MemoryBudget.require("x", "y", 2L << 20))
                    .getMessage().contains("-Dnabla.memory.limit"));
            System.setProperty(MemoryBudget.LIMIT_PROPERTY, "lots");
            assertTrue(assertThrows(IllegalArgumentException.class, MemoryBudget::limit).getMessage()
                    .contains("expected a positive number of bytes"));
        } finally {
            if (before == null) {
                System.clearProperty(MemoryBudget.LIMIT_PROPERTY);
            } else {
                System.setProperty(MemoryBudget.LIMIT_PROPERTY, before);
            }
        }
    }

    @Test
    void theLibraryRefusesHugeNetworksAndDataBeforeAllocating() {
        long peak = HeapPeak.during(() -> {
            for (int[] sizes : new int[][] {{8, 40_000, 40_000, 4}, {8, 1_000_000, 1_000_000, 4}, {8, Integer.MAX_VALUE, 4}}) {
                MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> Parameters.xavierUniform(1, sizes));
                assertTrue(e.getMessage().contains("network: its parameters in float64 need"), e.getMessage());
            }
            assertThrows(MemoryLimitException.class, () -> SyntheticTeacher.generate(1, Integer.MAX_VALUE, 8, 7, 4));
        });
        assertTrue(peak < 1L << 30, "peak heap " + peak);
    }

    @Test
    void aHugeBatchIsRefusedWhenItsWorkspaceIsMade() {
        String before = System.getProperty(MemoryBudget.LIMIT_PROPERTY);
        try (Backend backend = Backends.create("reference");
             Network net = new Network(backend, DType.FLOAT32, Loss.MSE, Parameters.xavierUniform(1, 4, 3, 2))) {
            net.forward(backend.zeros(DType.FLOAT32, 1, 4));
            var x = backend.zeros(DType.FLOAT32, 2_000_000, 4);
            System.setProperty(MemoryBudget.LIMIT_PROPERTY, "64m");
            MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> net.forward(x));
            assertTrue(e.getMessage().contains("a batch of 2000000 rows through the 4-3-2 network"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(MemoryBudget.LIMIT_PROPERTY);
            } else {
                System.setProperty(MemoryBudget.LIMIT_PROPERTY, before);
            }
        }
    }
}
