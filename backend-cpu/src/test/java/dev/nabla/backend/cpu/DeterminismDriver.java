package dev.nabla.backend.cpu;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs {@link DeterminismWorkload} in a JVM of its own and prints its hash, for comparing JIT tiers
 * and fresh JVMs: {@code DeterminismDriver SCOPE THREADS[,THREADS...] MIN_ROUNDS MIN_MILLIS}. For
 * each thread count it runs the workload at least MIN_ROUNDS times and for at least MIN_MILLIS
 * (so that later rounds run C2-compiled code in a default JVM) and prints one line per distinct
 * hash: {@code threads=T rounds=FIRST-LAST hash=H}. A deterministic backend prints one line per
 * thread count, all with the same hash. A fifth argument {@code per-op} then prints each operation's
 * hash of the last round too ({@code op=NAME dtype=D hash=H}), to find which one differs.
 */
public final class DeterminismDriver {
    private DeterminismDriver() {
    }

    public static void main(String[] args) {
        DeterminismWorkload.Scope scope = DeterminismWorkload.Scope.valueOf(args[0]);
        int minRounds = Integer.parseInt(args[2]);
        long minNanos = Long.parseLong(args[3]) * 1_000_000L;
        for (String t : args[1].split(",")) {
            int threads = Integer.parseInt(t);
            Map<String, int[]> seen = new LinkedHashMap<>();
            long start = System.nanoTime();
            for (int round = 1; round <= minRounds || System.nanoTime() - start < minNanos; round++) {
                String hash = DeterminismWorkload.hash(threads, scope);
                int r = round;
                seen.computeIfAbsent(hash, h -> new int[] {r, r})[1] = round;
            }
            seen.forEach((hash, rounds) -> System.out.println(
                    "threads=" + threads + " rounds=" + rounds[0] + "-" + rounds[1] + " hash=" + hash));
            if (args.length > 4 && args[4].equals("per-op")) {
                perOp(threads, scope);
            }
        }
    }

    private static void perOp(int threads, DeterminismWorkload.Scope scope) {
        try (CpuBackend backend = new CpuBackend(threads, Blocking.FLOAT, Blocking.DOUBLE)) {
            for (dev.nabla.tensor.DType dtype : dev.nabla.tensor.DType.values()) {
                for (DeterminismWorkload.Op op : DeterminismWorkload.ops(scope)) {
                    java.security.MessageDigest digest = DeterminismWorkload.sha256();
                    op.run(backend, dtype, digest::update);
                    System.out.println("threads=" + threads + " op=" + op.name() + " dtype=" + dtype + " hash="
                            + java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 16));
                }
                if (scope == DeterminismWorkload.Scope.ALL) {
                    for (dev.nabla.tensor.Loss loss : dev.nabla.tensor.Loss.values()) {
                        java.security.MessageDigest digest = DeterminismWorkload.sha256();
                        digest.update(DeterminismWorkload.train(backend, dtype, loss, loss == dev.nabla.tensor.Loss.MSE ? 0.9 : 0));
                        System.out.println("threads=" + threads + " op=train " + loss + " dtype=" + dtype + " hash="
                                + java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 16));
                    }
                }
            }
        }
    }
}
