package dev.nabla.backend.cuda;

import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The provider on whatever JVM and machine the tests run: registered, ranked above `cpu`, and,
 * where it cannot run (no JDK 22+, no Java 22 half, no driver, no GPU...), unavailable with one line
 * that says which, never a crash; `create` then fails with that line.
 */
class CudaProviderTest {
    @Test
    void isRegisteredAndRankedAboveCpu() {
        BackendProvider p = Backends.installed().provider("cuda");
        assertEquals(CudaProvider.class, p.getClass());
        assertTrue(p.priority() > 100, "above cpu (100) where a GPU is usable");
        assertTrue(p.description().contains("CUDA"));
    }

    @Test
    void javaBelow22IsAReason() {
        String reason = CudaProvider.jvmReason(17, "/usr/lib/jvm/java-17");
        assertTrue(reason.contains("needs Java 22+") && reason.contains("Java 17") && reason.contains("/usr/lib/jvm/java-17"),
                reason);
        assertNull(CudaProvider.jvmReason(22, "x"));
        assertNull(CudaProvider.jvmReason(25, "x"));
    }

    /** What this machine says. A GPU machine with a usable GPU skips this test. */
    @Test
    void unavailableHereWithTheReason() {
        CudaProvider provider = new CudaProvider();
        Availability a = provider.availability();
        assumeFalse(a.isAvailable(), "a usable GPU is present: " + provider.description());
        String reason = a.reason();
        int feature = Runtime.version().feature();
        if (feature < 22) {
            assertTrue(reason.startsWith("needs Java 22+"), reason);
        } else if (Boolean.getBoolean("nabla.cuda.ffm.skipped")) {
            assertTrue(reason.contains("no Java 22 half"), reason);
        } else {
            assertTrue(reason.contains("libcuda.so.1") || reason.contains("no CUDA device") || reason.contains("compute capability")
                    || reason.contains("driver"), "a reason about the driver or the GPU: " + reason);
        }
        boolean driverPresent = java.nio.file.Files.exists(java.nio.file.Path.of("/proc/driver/nvidia/version"));
        if (!driverPresent) {
            assertTrue(a.isAbsent(), "no NVIDIA driver on this machine: cuda is absent, not misconfigured: " + reason);
        }
        assertTrue(a == provider.availability() || a.reason().equals(provider.availability().reason()), "kept");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> provider.create(BackendOptions.defaults()));
        assertEquals("backend 'cuda' is unavailable: " + reason, e.getMessage());
        IllegalStateException viaRegistry = assertThrows(IllegalStateException.class, () -> Backends.create("cuda"));
        assertTrue(viaRegistry.getMessage().endsWith(reason), viaRegistry.getMessage());
    }

    @Test
    void optionsAreCheckedBeforeAnythingElse() {
        CudaProvider provider = new CudaProvider();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> provider.create(BackendOptions.defaults().with("gem", "own")));
        assertTrue(e.getMessage().contains("unknown backend option 'gem'"), e.getMessage());
    }
}
