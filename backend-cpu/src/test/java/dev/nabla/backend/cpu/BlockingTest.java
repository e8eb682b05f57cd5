package dev.nabla.backend.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blocking sizes from cache sizes: sysfs and getconf parsing, the formulas, and sane bounds. */
class BlockingTest {
    @TempDir
    Path dir;

    private void index(int i, int level, String type, String size) throws IOException {
        Path d = Files.createDirectories(dir.resolve("index" + i));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }

    @Test
    void readsSysfsCacheDirectories() throws IOException {
        index(0, 1, "Data", "48K");
        index(1, 1, "Instruction", "32K");
        index(2, 2, "Unified", "1024K");
        index(3, 3, "Unified", "32768K");
        Blocking.CacheSizes c = Blocking.CacheSizes.fromSysfs(dir);
        assertNotNull(c);
        assertEquals(48 << 10, c.l1d);
        assertEquals(1 << 20, c.l2);
        assertEquals(32L << 20, c.l3);
        assertNull(Blocking.CacheSizes.fromSysfs(dir.resolve("missing")));
    }

    @Test
    void parsesGetconf() {
        Blocking.CacheSizes c = Blocking.CacheSizes.parseGetconf("LEVEL1_ICACHE_SIZE                 32768\n"
                + "LEVEL1_DCACHE_SIZE                 49152\nLEVEL1_DCACHE_ASSOC                12\n"
                + "LEVEL2_CACHE_SIZE                  1048576\nLEVEL3_CACHE_SIZE                  532676608\n"
                + "LEVEL4_CACHE_SIZE                  \n");
        assertNotNull(c);
        assertEquals(49152, c.l1d);
        assertEquals(1048576, c.l2);
        assertEquals(532676608, c.l3);
        assertNull(Blocking.CacheSizes.parseGetconf("LEVEL1_DCACHE_SIZE 0\n"));
    }

    @Test
    void derivesTheMeasuredSizesOnA48KbL1AndAMegabyteL2() {
        Blocking.CacheSizes c = new Blocking.CacheSizes(48 << 10, 1 << 20, 32 << 20, "test");
        Blocking f = Blocking.forElementSize(4, c);
        Blocking d = Blocking.forElementSize(8, c);
        assertEquals(Sgemm.MR == 12 ? 256 : 512, f.kc);
        assertEquals(f.kc, d.kc);
        assertEquals(Sgemm.roundUp((1 << 20) / (f.kc * 4) / Sgemm.NR * Sgemm.NR, 1), f.nc);
        assertEquals(f.nc / 2, d.nc);
        assertEquals(0, f.nc % Sgemm.NR);
        assertEquals(0, f.mc % Sgemm.MR);
    }

    @Test
    void staysWithinBoundsForOddCaches() {
        for (long l1 : new long[] {4 << 10, 32 << 10, 64 << 10, 1 << 20}) {
            for (long l2 : new long[] {64 << 10, 256 << 10, 2 << 20, 64 << 20}) {
                Blocking b = Blocking.forElementSize(4, new Blocking.CacheSizes(l1, l2, 4 * l2, "test"));
                assertTrue(b.kc >= 128 && b.kc <= 512, b.toString());
                assertTrue(b.nc >= 4 * Sgemm.NR && b.nc <= 4096 && b.nc % Sgemm.NR == 0, b.toString());
                assertTrue(b.mc >= 16 * Sgemm.MR && b.mc <= 4080 && b.mc % Sgemm.MR == 0, b.toString());
            }
        }
        assertNotNull(Blocking.CacheSizes.detected());
        assertTrue(Blocking.FLOAT.kc > 0 && Blocking.DOUBLE.nc > 0);
    }
}
