package dev.nabla.benchmarks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One GEMM problem, C [M, N] = op(A) op(B) with op(A) [M, K] and op(B) [K, N], named the way the
 * benchmarks' {@code problem} parameter names it:
 * <ul>
 *   <li>a square size, {@code 1024}: 1024^3, neither operand transposed;</li>
 *   <li>a product of a training step, {@code <shape>-l<layer>-<fwd|wgrad|bwd>}: the forward X W^T
 *       (B-operand transposed), the weight gradient delta^T A (A-operand transposed) or the input
 *       gradient delta W (none), of layer l (1-based) of {@code mnist} at batch 128 or {@code wide}
 *       at batch 256, as stored in training (no transpose is materialised);</li>
 *   <li>anything else as {@code MxNxK} with an optional {@code -nt}, {@code -tn} or {@code -tt}.</li>
 * </ul>
 * FLOPs are 2 M N K.
 */
public final class GemmProblem {
    private static final Map<String, String> NAMED = new LinkedHashMap<>();

    static {
        // mnist 784-256-256-10 at batch 128: layer 1 is 784 -> 256. Its input gradient is never
        // computed (the network's input needs none), so the backward product is layer 2's.
        NAMED.put("mnist-l1-fwd", "128x256x784-nt");
        NAMED.put("mnist-l1-wgrad", "256x784x128-tn");
        NAMED.put("mnist-l2-bwd", "128x256x256");
        // wide 1024-4096-4096-1024 at batch 256: layer 2 (4096 -> 4096) holds two thirds of the FLOPs.
        NAMED.put("wide-l2-fwd", "256x4096x4096-nt");
        NAMED.put("wide-l2-wgrad", "4096x4096x256-tn");
        NAMED.put("wide-l2-bwd", "256x4096x4096");
    }

    private static final Pattern SPEC = Pattern.compile("(\\d+)x(\\d+)x(\\d+)(?:-(nn|nt|tn|tt))?");

    final String name;
    final int m;
    final int n;
    final int k;
    final boolean transA;
    final boolean transB;

    private GemmProblem(String name, int m, int n, int k, boolean transA, boolean transB) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("GEMM problem '" + name + "' has a non-positive dimension");
        }
        this.name = name;
        this.m = m;
        this.n = n;
        this.k = k;
        this.transA = transA;
        this.transB = transB;
    }

    public static GemmProblem parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        if (name.matches("\\d+")) {
            int size = Integer.parseInt(name);
            return new GemmProblem(name, size, size, size, false, false);
        }
        String spec = NAMED.getOrDefault(name, name);
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown GEMM problem '" + text + "': expected a square size (1024), one of "
                    + NAMED.keySet() + ", or MxNxK[-nt|-tn|-tt]");
        }
        String ops = m.group(4) == null ? "nn" : m.group(4);
        return new GemmProblem(name, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), ops.charAt(0) == 't', ops.charAt(1) == 't');
    }

    /** The named products of the training steps, in report order. */
    public static Iterable<String> namedProducts() {
        return NAMED.keySet();
    }

    public boolean isSquare() {
        return m == n && n == k && !transA && !transB;
    }

    /** A's storage shape: [K, M] when transposed, else [M, K]. */
    int aRows() {
        return transA ? k : m;
    }

    int aCols() {
        return transA ? m : k;
    }

    /** B's storage shape: [N, K] when transposed, else [K, N]. */
    int bRows() {
        return transB ? n : k;
    }

    int bCols() {
        return transB ? k : n;
    }

    public double flops() {
        return 2.0 * m * n * k;
    }

    /** E.g. {@code 128x256x784 A B^T}. */
    public String describe() {
        return m + "x" + n + "x" + k + " " + (transA ? "A^T" : "A") + " " + (transB ? "B^T" : "B");
    }

    @Override
    public String toString() {
        return name;
    }
}
