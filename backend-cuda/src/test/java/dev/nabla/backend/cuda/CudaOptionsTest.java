package dev.nabla.backend.cuda;

import dev.nabla.spi.BackendOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CudaOptionsTest {
    private static CudaOptions parse(String... kv) {
        BackendOptions o = BackendOptions.defaults();
        for (int i = 0; i < kv.length; i += 2) {
            o = o.with(kv[i], kv[i + 1]);
        }
        return CudaOptions.parse(o);
    }

    @Test
    void defaults() {
        CudaOptions o = parse();
        assertEquals(0, o.device());
        assertEquals(CudaOptions.Gemm.OWN, o.gemm());
        assertFalse(o.tf32());
        assertNull(o.tile());
        assertEquals(0, o.splits());
    }

    @Test
    void everyOptionParses() {
        CudaOptions o = parse("device", "1", "gemm", "CUBLAS", "tf32", "true", "gemm-tile", "m", "gemm-split", "4");
        assertEquals(1, o.device());
        assertEquals(CudaOptions.Gemm.CUBLAS, o.gemm());
        assertTrue(o.tf32());
        assertEquals(GemmPlanner.Tile.M, o.tile());
        assertEquals(4, o.splits());
        assertEquals("device 1, gemm cublas (tf32), tile m, split 4", o.toString());
    }

    @Test
    void mistakesAreNamed() {
        assertMessage("unknown backend option 'gpu'", () -> parse("gpu", "0"));
        assertMessage("gemm must be own or cublas", () -> parse("gemm", "fast"));
        assertMessage("tf32=true needs gemm=cublas", () -> parse("tf32", "true"));
        assertMessage("tf32 must be true or false", () -> parse("tf32", "yes"));
        assertMessage("device must be an integer", () -> parse("device", "x"));
        assertMessage("device must be >= 0", () -> parse("device", "-1"));
        assertMessage("gemm-split must be auto or a positive count", () -> parse("gemm-split", "0"));
        assertMessage("unknown GEMM tile 'xl'", () -> parse("gemm-tile", "xl"));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }
}
