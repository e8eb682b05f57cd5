package dev.nabla.backend.nd4j;

import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which ND4J backend is available in which build, why not, and the thread options. */
class Nd4jProvidersTest {
    @Test
    void theFlavourOfThisBuildIsAvailableAndTheOtherSaysWhyNot() {
        Availability nativeCpu = Backends.installed().provider(Nd4jProvider.ID).availability();
        Availability cuda = Backends.installed().provider(Nd4jCudaProvider.ID).availability();
        if (Flavour.isNative()) {
            assertTrue(nativeCpu.isAvailable(), "nd4j must load in the default build: " + nativeCpu.reason());
            assertFalse(cuda.isAvailable());
            assertTrue(cuda.reason().contains("-Pcuda"), cuda.reason());
        } else {
            assertFalse(nativeCpu.isAvailable());
            assertTrue(nativeCpu.reason().contains("nd4j-cuda"), nativeCpu.reason());
            // On a machine without a supported GPU the reason names what is missing.
            assertTrue(cuda.isAvailable() || !cuda.reason().isBlank());
        }
    }

    @Test
    void cudaCompatibilityIsTheListOfShippedKernels() {
        assertTrue(CudaCompatibility.supports(8, 6));
        assertTrue(CudaCompatibility.supports(7, 5));
        assertTrue(CudaCompatibility.supports(3, 7));
        assertTrue(CudaCompatibility.supports(8, 9), "Ada runs the sm_86 code (same major version, higher minor)");
        assertTrue(CudaCompatibility.supports(7, 2), "Xavier runs the sm_70 code");
        assertTrue(CudaCompatibility.supports(6, 2), "sm_61 code runs on 6.2");
        assertFalse(CudaCompatibility.supports(9, 0), "Hopper: no sm_90 kernels and no PTX");
        assertFalse(CudaCompatibility.supports(3, 5));
        String reason = CudaCompatibility.unsupportedReason(0, 9, 0);
        assertTrue(reason.contains("9.0") && reason.contains("sm_86") && reason.contains("no PTX"), reason);
    }

    @Test
    void nvidiaSmiCapabilitiesAreParsedAndJudged() {
        assertEquals(2, NvidiaSmi.parse("9.0\n8.6\n").orElseThrow().size());
        assertEquals(9, NvidiaSmi.parse("9.0").orElseThrow().get(0)[0]);
        assertTrue(NvidiaSmi.parse("").isEmpty());
        assertTrue(NvidiaSmi.parse("No devices were found").isEmpty());
        String hopper = CudaProbe.withCapability(java.util.List.of(new int[] {9, 0}), "no libcudart.so.11.0").reason();
        assertTrue(hopper.contains("compute capability 9.0") && hopper.contains("no libcudart.so.11.0"), hopper);
        String ampere = CudaProbe.withCapability(java.util.List.of(new int[] {8, 6}), "no libcudart.so.11.0").reason();
        assertTrue(ampere.contains("is supported, but") && ampere.contains("no libcudart.so.11.0"), ampere);
    }

    @Test
    void threadOptionsAreValidatedAndApplied() {
        Flavour.assumeNative();
        assertThrows(IllegalArgumentException.class,
                () -> Nd4jThreads.choose(BackendOptions.defaults().with("blas-threads", "zero")));
        int[] chosen = Nd4jThreads.choose(BackendOptions.defaults().with("blas-threads", "1").with("op-threads", "1"));
        assertEquals(1, chosen[0]);
        assertEquals(1, chosen[1]);
        int[] both = Nd4jThreads.choose(BackendOptions.defaults().withThreads(2));
        assertEquals(2, both[0]);
        assertEquals(2, both[1]);
        int[] defaults = Nd4jThreads.choose(BackendOptions.defaults());
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults[0]);
        assertEquals(Nd4jThreads.DEFAULT_OP_THREADS, defaults[1]);
        try (Backend b = Backends.installed().create(Nd4jProvider.ID,
                BackendOptions.defaults().with("blas-threads", "1").with("op-threads", "1"))) {
            assertTrue(b.description().contains("1 BLAS thread,") && b.description().contains("1 op thread"),
                    b.description());
        }
    }
}
