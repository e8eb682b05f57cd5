package dev.nabla.backend.cpu;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The `cpu` backend gives the same bits for every thread count, in every JIT tier and in every JVM
 * (issue 13, part 1): each operation of {@link DeterminismWorkload} with 1, 2, 3 and 16 threads;
 * whole training runs through the public API, compared as model-file bytes, with 1, 2 and 3 threads
 * and repeated in one JVM; and the workload's hash in child JVMs that run it interpreted (-Xint), with
 * C1 only, with C2 only, and with the default tiers cold and warm, against this JVM's.
 */
class CpuDeterminismTest {

    private static String hash(Backend backend, DeterminismWorkload.Op op, DType dtype) {
        MessageDigest digest = DeterminismWorkload.sha256();
        op.run(backend, dtype, digest::update);
        return HexFormat.of().formatHex(digest.digest());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyOperationGivesTheSameBitsWhateverTheThreads(DType dtype) {
        List<DeterminismWorkload.Op> ops = DeterminismWorkload.ops(DeterminismWorkload.Scope.KERNELS);
        String[] expected = new String[ops.size()];
        try (Backend one = new CpuBackend(1, Blocking.FLOAT, Blocking.DOUBLE)) {
            for (int i = 0; i < ops.size(); i++) {
                expected[i] = hash(one, ops.get(i), dtype);
            }
        }
        for (int threads : new int[] {2, 3, 16}) {
            try (Backend backend = new CpuBackend(threads, Blocking.FLOAT, Blocking.DOUBLE)) {
                for (int i = 0; i < ops.size(); i++) {
                    assertEquals(expected[i], hash(backend, ops.get(i), dtype),
                            ops.get(i) + " " + dtype + " with " + threads + " threads differs from 1 thread");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void trainingWritesTheSameModelBytesWhateverTheThreads(DType dtype) {
        for (Loss loss : Loss.values()) {
            double momentum = loss == Loss.MSE ? 0.9 : 0;
            byte[] expected;
            try (Backend one = new CpuBackend(1, Blocking.FLOAT, Blocking.DOUBLE)) {
                expected = DeterminismWorkload.train(one, dtype, loss, momentum);
            }
            for (int threads : new int[] {2, 3}) {
                try (Backend backend = new CpuBackend(threads, Blocking.FLOAT, Blocking.DOUBLE)) {
                    assertArrayEquals(expected, DeterminismWorkload.train(backend, dtype, loss, momentum),
                            dtype + " " + loss + ": the model file with " + threads + " threads differs from 1 thread");
                }
            }
        }
    }

    /** The same training many times in this JVM (the first runs are compiled by lower tiers than the last). */
    @Test
    void trainingRepeatedInOneJvmWritesTheSameModelBytes() {
        try (Backend backend = new CpuBackend(2, Blocking.FLOAT, Blocking.DOUBLE)) {
            byte[] first = DeterminismWorkload.train(backend, DType.FLOAT32, Loss.BCE, 0);
            long start = System.nanoTime();
            for (int round = 2; round <= 8 || System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2); round++) {
                assertArrayEquals(first, DeterminismWorkload.train(backend, DType.FLOAT32, Loss.BCE, 0),
                        "round " + round + " differs from the first");
            }
        }
    }

    private static final Pattern LINE = Pattern.compile("threads=(\\d+) rounds=(\\d+)-(\\d+) hash=([0-9a-f]+)");

    /**
     * Runs {@link DeterminismDriver} in a child JVM with {@code flags} (and this JVM's vector width)
     * and returns its hash, failing if it printed more than one per thread count or if thread counts
     * disagree.
     */
    private static String child(List<String> flags, DeterminismWorkload.Scope scope, String threads, int minRounds,
                                long minMillis) throws IOException, InterruptedException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        List<String> command = new ArrayList<>(List.of(java.toString(), "--add-modules=jdk.incubator.vector",
                "-XX:MaxVectorSize=" + hotspot.getVMOption("MaxVectorSize").getValue(), "-Xmx512m"));
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DeterminismDriver.class.getName(),
                scope.name(), threads, Integer.toString(minRounds), Long.toString(minMillis)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "child JVM " + flags + " did not finish");
        assertEquals(0, p.exitValue(), "child JVM " + flags + " failed:\n" + out);
        List<String> hashes = new ArrayList<>();
        Matcher m = LINE.matcher(out);
        while (m.find()) {
            hashes.add(m.group(4));
        }
        int expectedLines = threads.split(",").length;
        assertEquals(expectedLines, hashes.size(), "child JVM " + flags + " " + scope
                + " gave a different hash in later rounds (one line per distinct hash):\n" + out);
        assertEquals(1, hashes.stream().distinct().count(), "child JVM " + flags + " " + scope
                + " gave different hashes for thread counts " + threads + ":\n" + out);
        return hashes.get(0);
    }

    @Test
    void everyJitTierAndEveryFreshJvmGivesTheSameBits() throws Exception {
        String tiny = DeterminismWorkload.hash(1, DeterminismWorkload.Scope.TINY);
        String all = DeterminismWorkload.hash(2, DeterminismWorkload.Scope.ALL);
        assertFalse(tiny.equals(all));
        // The interpreter runs the Vector API's Java fallback and Math.fma's software path: small shapes only.
        assertEquals(tiny, child(List.of("-Xint"), DeterminismWorkload.Scope.TINY, "1", 1, 0), "-Xint");
        assertEquals(all, child(List.of("-XX:TieredStopAtLevel=1"), DeterminismWorkload.Scope.ALL, "1,3", 1, 0), "C1");
        // C2 after the interpreter with no C1 in between, and the default tiers from cold to warm: each
        // child runs rounds until it has run for a while, and prints one line per distinct hash.
        assertEquals(all, child(List.of("-XX:-TieredCompilation"), DeterminismWorkload.Scope.ALL, "3", 3, 2000), "C2 only");
        assertEquals(tiny, child(List.of(), DeterminismWorkload.Scope.TINY, "1", 10, 2000), "default tiers");
        assertEquals(all, child(List.of(), DeterminismWorkload.Scope.ALL, "1,2", 3, 3000), "default tiers");
    }

    @Test
    void driverReportsADifferentHashWhenOutputsDiffer() {
        // The hash covers the outputs: a different workload (scope) must not collide.
        assertFalse(Arrays.equals(
                DeterminismWorkload.hash(1, DeterminismWorkload.Scope.TINY).getBytes(StandardCharsets.UTF_8),
                DeterminismWorkload.hash(1, DeterminismWorkload.Scope.KERNELS).getBytes(StandardCharsets.UTF_8)));
        try (Backend backend = new CpuBackend(1, Blocking.FLOAT, Blocking.DOUBLE)) {
            byte[] mse = DeterminismWorkload.train(backend, DType.FLOAT32, Loss.MSE, 0);
            byte[] bce = DeterminismWorkload.train(backend, DType.FLOAT32, Loss.BCE, 0);
            if (Arrays.equals(mse, bce)) {
                fail("two different trainings wrote the same model bytes");
            }
        }
    }
}
