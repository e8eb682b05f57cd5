package dev.nabla.backend.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernels follow the JVM's vector width, so the narrower-species test runs really take those paths. */
class SpeciesTest {
    @Test
    void tileShapeFollowsThePreferredSpecies() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        int maxVectorBytes = Integer.parseInt(hotspot.getVMOption("MaxVectorSize").getValue());
        int bits = Sgemm.S.vectorBitSize();
        assertTrue(bits <= 8 * maxVectorBytes, bits + "-bit species with MaxVectorSize=" + maxVectorBytes);
        assertEquals(bits >= 512 ? 12 : 6, Sgemm.MR);
        assertEquals(2 * Sgemm.S.length(), Sgemm.NR);
        assertEquals(Sgemm.MR, Dgemm.MR, "float64 uses the same register budget");
    }
}
