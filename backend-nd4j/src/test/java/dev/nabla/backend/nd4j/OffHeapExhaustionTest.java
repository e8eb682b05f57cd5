package dev.nabla.backend.nd4j;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Running out of off-heap memory is a clear error, not a crash. A JVM of its own runs with its
 * address space capped at 5 GiB (ulimit -v) and asks the nd4j backend for a 6.4 GB tensor.
 */
class OffHeapExhaustionTest {
    @BeforeEach
    void nativeBuildOnly() {
        Flavour.assumeNative();
    }

    @Test
    void anImpossibleAllocationIsAClearError() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && System.getProperty("os.name").startsWith("Linux"),
                "needs Linux and bash for ulimit");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -v 5242880; exec '" + java + "' -Xmx256m -XX:ReservedCodeCacheSize=64m "
                + "-XX:CompressedClassSpaceSize=64m -Xss512k -cp '" + System.getProperty("java.class.path") + "' "
                + OffHeapExhaustionProbe.class.getName();
        Process p = new ProcessBuilder(List.of("/bin/bash", "-c", command)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(3, p.exitValue(), "expected the clear error (exit 3), got:\n" + output);
        assertTrue(output.contains("ERROR: nd4j: out of off-heap memory allocating a float32 [40000, 40000] tensor"),
                output);
    }
}
