package dev.nabla.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernels' fatbin: what it carries (read from its table of contents, as cuobjdump --list-elf
 * --list-ptx would), that the jar packages it, and, where this build ran nvcc, that the committed
 * copy is the one the sources compile to.
 */
class FatbinTest {
    static final List<Integer> SASS = List.of(75, 80, 86, 89, 90, 100, 120);

    static Path sources() {
        return Paths.get(System.getProperty("nabla.cuda.source.dir", "src/main/cuda"));
    }

    static byte[] committed() throws IOException {
        return Files.readAllBytes(sources().resolve("nabla.fatbin"));
    }

    @Test
    void theCommittedFatbinHoldsTheListedArchitectures() throws IOException {
        Fatbin f = Fatbin.parse(committed());
        assertEquals(SASS, f.sassArchs(), "SASS: " + f);
        assertEquals(List.of(75), f.ptxArchs(), "PTX: " + f);
        assertArrayEquals(new int[] {9, 0}, f.ptxIsa(), "PTX ISA 9.0 = CUDA 13.0, which Fatbin.REQUIRED_DRIVER_VERSION asks of the driver");
        assertEquals(13000, Fatbin.REQUIRED_DRIVER_VERSION);
        assertTrue(f.entries().stream().allMatch(Fatbin.Entry::compressed), "built with --compress-mode size: " + f);
    }

    @Test
    void theJarPackagesTheCommittedOrTheFreshlyBuiltFatbin() throws IOException {
        byte[] packaged = Fatbin.packaged();
        assertNotNull(packaged, Fatbin.RESOURCE + " is missing from the classpath");
        Path built = Paths.get(System.getProperty("nabla.cuda.fatbin.built", "target/fatbin/nabla.fatbin"));
        boolean same = Arrays.equals(packaged, committed())
                || (Files.isRegularFile(built) && Arrays.equals(packaged, Files.readAllBytes(built)));
        assertTrue(same, "the packaged fatbin is neither the committed one nor the one nvcc built");
        assertEquals(SASS, Fatbin.parse(packaged).sassArchs());
    }

    /** Where nvcc built the fatbin from the current sources in this build, the committed one must equal it. */
    @Test
    void theCommittedFatbinIsNotStale() throws IOException {
        Path built = Paths.get(System.getProperty("nabla.cuda.fatbin.built", "target/fatbin/nabla.fatbin"));
        assumeTrue(Files.isRegularFile(built), "nvcc did not run in this build (not on the PATH, or -Dnabla.cuda.nvcc=false): "
                + "the committed fatbin was packaged and its freshness cannot be checked here");
        long newestSource;
        try (Stream<Path> s = Files.list(sources())) {
            newestSource = s.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".cuh"))
                    .mapToLong(p -> p.toFile().lastModified()).max().orElse(0);
        }
        assumeTrue(built.toFile().lastModified() >= newestSource, "target/fatbin/nabla.fatbin is older than the sources "
                + "(nvcc was skipped in this build): cannot judge the committed one");
        assertTrue(Arrays.equals(committed(), Files.readAllBytes(built)), "src/main/cuda/nabla.fatbin is stale: the "
                + "sources compile to a different fatbin. Commit the new one: cp backend-cuda/target/fatbin/nabla.fatbin "
                + "backend-cuda/src/main/cuda/nabla.fatbin");
    }

    /** ptxas was asked to warn about register spills (-warn-spills): a spilling GEMM is a slow GEMM. */
    @Test
    void noKernelSpillsRegisters() throws IOException {
        Path log = Paths.get(System.getProperty("nabla.cuda.fatbin.built", "target/fatbin/nabla.fatbin"))
                .resolveSibling("nvcc.log");
        assumeTrue(Files.isRegularFile(log), "nvcc did not run in this build");
        String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
        assertFalse(text.toLowerCase().contains("spill"), "ptxas reports spills:\n" + text);
    }

    @Test
    void architectureRulesFollowNvidiasCompatibility() throws IOException {
        Fatbin f = Fatbin.parse(committed());
        for (int[] cc : new int[][] {{7, 5}, {8, 0}, {8, 6}, {8, 7}, {8, 9}, {9, 0}, {10, 0}, {10, 3}, {12, 0}, {12, 1}, {13, 0}}) {
            assertTrue(f.runsOn(cc[0], cc[1]), "compute capability " + cc[0] + "." + cc[1]);
        }
        for (int[] cc : new int[][] {{7, 0}, {6, 1}, {5, 2}, {3, 7}}) {
            assertFalse(f.runsOn(cc[0], cc[1]), "compute capability " + cc[0] + "." + cc[1]);
        }
    }

    @Test
    void malformedFilesAreRejected() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> Fatbin.parse(new byte[] {1, 2, 3}));
        byte[] f = committed();
        assertThrows(IllegalArgumentException.class, () -> Fatbin.parse(Arrays.copyOf(f, f.length / 2)));
        byte[] bad = f.clone();
        bad[16 + 4] = 1; // the first entry's header size: 1 byte
        assertThrows(IllegalArgumentException.class, () -> Fatbin.parse(bad));
    }
}
