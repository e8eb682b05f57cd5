package dev.nabla.backend.nd4j;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * OpenBLAS must run its real kernels here. ND4J 1.0.0-M2.1's own OpenBLAS (0.3.21) takes this
 * AVX-512 Xeon for a generic "Prescott" and runs sgemm ~5x slower; backend-nd4j pins 0.3.30. This
 * asks OpenBLAS itself which core it detected (OPENBLAS_VERBOSE=2 makes it print "Core: name") in
 * a JVM of its own, and fails on an AVX-512 machine unless that core is an AVX-512 one.
 */
class OpenBlasCoreTest {
    @BeforeEach
    void nativeBuildOnly() {
        Flavour.assumeNative();
    }

    /** OpenBLAS's names for the cores whose kernels use AVX-512. */
    private static final Set<String> AVX512_CORES = Set.of("SkylakeX", "Cooperlake", "SapphireRapids");

    @Test
    void theOpenBlasThatLoadsIsThePinnedOne() throws IOException {
        assertTrue(Loader.getVersion("org.bytedeco", "openblas").startsWith("0.3.30"),
                "org.bytedeco:openblas on the class path is " + Loader.getVersion("org.bytedeco", "openblas"));
    }

    @Test
    void openBlasDetectsAnAvx512CoreOnAnAvx512Machine() throws IOException, InterruptedException {
        assumeTrue(Files.isReadable(Path.of("/proc/cpuinfo")), "needs Linux /proc/cpuinfo");
        boolean avx512 = Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                OpenBlasCoreProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_VERBOSE", "2");
        pb.environment().remove("OPENBLAS_CORETYPE");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish");
        assertEquals(0, p.exitValue(), output);
        Matcher m = Pattern.compile("Core: (\\w+)").matcher(output);
        assertTrue(m.find(), "OpenBLAS did not report its core:\n" + output);
        String core = m.group(1);
        if (avx512) {
            assertTrue(AVX512_CORES.contains(core), "this CPU has AVX-512 but OpenBLAS detected '" + core
                    + "' and will run generic kernels");
        }
        System.out.println("OpenBLAS detected core: " + core + (avx512 ? " (AVX-512 machine)" : ""));
    }
}
