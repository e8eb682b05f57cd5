package dev.nabla.backend.cuda;

import dev.nabla.tensor.DType;

import java.util.Locale;

/**
 * Chooses the GEMM kernel's tile and split-K for a product of shape M x N x K on a GPU with a given
 * number of SMs, and the launch geometry that goes with it.
 *
 * <p>The tiles are those of {@code gemm.cuh}: {@code l} 128x128 (256 threads, 8x8 accumulators per
 * thread), {@code m} 64x64 (128 threads) and {@code s} 32x32 (64 threads). A bigger tile reuses
 * each loaded value more and reaches a higher fraction of the SM's FMA rate, but a product with few
 * output tiles then leaves SMs idle: 256 x 4096 has 64 tiles of 128x128 for the 132 SMs of an H100.
 * Split-K fills the GPU there: the K range is cut into S chunks, each block computes a partial
 * tile, and a second kernel adds the S partials in a fixed order (deterministic) while applying the
 * epilogue.
 *
 * <p>The choice minimises a simple model of the run time, in units of one SM's FMA time:
 * {@code waves * BM * BN * kChunk * blocksPerSm / efficiency} for the product (a wave is one
 * round of resident blocks over all SMs), plus, with split-K, the partials' traffic
 * ({@code (S + 1) M N} elements at ~35 FMA-times each, spread over the SMs) and one more launch.
 * The efficiencies (how close each tile gets to the SM's peak) are design estimates, to be
 * replaced by measurements on a GPU (benchmarks/gpu/run.sh prints the per-tile rates).
 *
 * <p>Internal to the {@code cuda} backend: public only because its Java 22 half (package
 * {@code dev.nabla.backend.cuda.ffm}) uses it. Not a stable API.
 */
public final class GemmPlanner {
    /** The K step of every tile (BK in gemm.cuh). */
    public static final int BK = 8;
    /** Split-K never cuts K into chunks shorter than this. */
    static final int MIN_SPLIT_CHUNK = 128;
    static final int[] SPLITS = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32};
    /** The largest split-K workspace in elements (128 MiB of float32). */
    static final long MAX_WORKSPACE_ELEMENTS = 32L << 20;
    /** Cost of moving one element through DRAM, in FMA times of one SM (H100: ~128 FMA/clk vs ~3.7 floats/clk). */
    static final double ELEMENT_COST = 35;
    /** Cost of a kernel launch, ~4 us, in FMA times of one SM at ~1.5 GHz. */
    static final double LAUNCH_SECONDS = 4e-6;
    static final double CLOCK_HZ = 1.5e9;

    /** A tile configuration of gemm.cuh. */
    public enum Tile {
        /** 128x128 outputs per block, 256 threads: the fastest on large products. */
        L("l", 128, 128, 256, 2, 1, 1.0),
        /** 64x64 outputs per block, 128 threads. */
        M("m", 64, 64, 128, 4, 2, 0.75),
        /** 32x32 outputs per block, 64 threads: for products with few output tiles. */
        S("s", 32, 32, 64, 8, 8, 0.45);

        private final String code;
        private final int bm;
        private final int bn;
        private final int threads;
        private final int blocksPerSmF32;
        private final int blocksPerSmF64;
        private final double efficiency;

        Tile(String code, int bm, int bn, int threads, int blocksPerSmF32, int blocksPerSmF64, double efficiency) {
            this.code = code;
            this.bm = bm;
            this.bn = bn;
            this.threads = threads;
            this.blocksPerSmF32 = blocksPerSmF32;
            this.blocksPerSmF64 = blocksPerSmF64;
            this.efficiency = efficiency;
        }

        /**
         * The tile's one-letter code, as in kernel names and the {@code gemm-tile} option.
         *
         * @return {@code l}, {@code m} or {@code s}
         */
        public String code() {
            return code;
        }

        /**
         * Output rows per block.
         *
         * @return the tile's height
         */
        public int bm() {
            return bm;
        }

        /**
         * Output columns per block.
         *
         * @return the tile's width
         */
        public int bn() {
            return bn;
        }

        /**
         * Threads per block.
         *
         * @return the block size of the tile's kernels
         */
        public int threads() {
            return threads;
        }

        /**
         * Blocks resident per SM (the kernels' __launch_bounds__ minimum).
         *
         * @param dtype the element type (float64 tiles use more registers)
         * @return the number of blocks one SM holds at once
         */
        public int blocksPerSm(DType dtype) {
            return dtype == DType.FLOAT32 ? blocksPerSmF32 : blocksPerSmF64;
        }

        /**
         * The tile with this code, case-insensitively and ignoring surrounding white space.
         *
         * @param code {@code l}, {@code m} or {@code s}
         * @return the tile
         * @throws IllegalArgumentException for any other code
         */
        public static Tile parse(String code) {
            for (Tile t : values()) {
                if (t.code.equals(code.trim().toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown GEMM tile '" + code + "': expected l, m or s");
        }
    }

    /**
     * One launch plan: the tile, the split count and K chunk, the grid ({@code gridX} blocks of
     * {@code tile.threads()} threads, times {@code splits} in z) and the split-K workspace.
     *
     * @param tile the tile
     * @param splits how many chunks K is cut into; 1 without split-K
     * @param kChunk the length of each chunk of K, a multiple of {@link #BK}
     * @param gridX the number of output tiles, the grid's x extent
     * @param workspaceElements the partial sums' workspace in elements ({@code splits * M * N}); 0
     *     without split-K
     * @param cost the model's estimated run time, in FMA times of one SM (only compared, never
     *     reported as a time)
     */
    public record Plan(Tile tile, int splits, int kChunk, int gridX, long workspaceElements, double cost) {
        /**
         * Threads per block.
         *
         * @return {@code tile().threads()}
         */
        public int threads() {
            return tile.threads();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "tile %s, %d split(s) of K %d, grid %d x %d", tile.code(), splits, kChunk,
                    gridX, splits);
        }
    }

    private GemmPlanner() {
    }

    /**
     * The best plan by the model.
     *
     * @param dtype the element type
     * @param m the rows of the product
     * @param n the columns of the product
     * @param k the inner dimension
     * @param sms the GPU's number of SMs
     * @return the plan of lowest estimated cost
     * @throws IllegalArgumentException if a dimension or {@code sms} is not positive
     */
    public static Plan plan(DType dtype, int m, int n, int k, int sms) {
        return plan(dtype, m, n, k, sms, null, 0);
    }

    /**
     * The best plan by the model, restricted to {@code tile} when not null and to {@code splits}
     * when positive (tests and benchmarks force plans this way; the split count is then clamped to
     * what K allows).
     *
     * @param dtype the element type
     * @param m the rows of the product
     * @param n the columns of the product
     * @param k the inner dimension
     * @param sms the GPU's number of SMs
     * @param tile the only tile to consider, or null for all
     * @param splits the split count to use, or 0 to choose
     * @return the plan of lowest estimated cost among those allowed
     * @throws IllegalArgumentException if a dimension or {@code sms} is not positive
     */
    public static Plan plan(DType dtype, int m, int n, int k, int sms, Tile tile, int splits) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("gemm shape " + m + " x " + n + " x " + k + " is not positive");
        }
        if (sms <= 0) {
            throw new IllegalArgumentException("SM count " + sms + " is not positive");
        }
        Plan best = null;
        for (Tile t : Tile.values()) {
            if (tile != null && t != tile) {
                continue;
            }
            if (splits > 0) {
                Plan p = candidate(dtype, m, n, k, sms, t, splits, true);
                if (best == null || p.cost() < best.cost()) {
                    best = p;
                }
                continue;
            }
            for (int s : SPLITS) {
                Plan p = candidate(dtype, m, n, k, sms, t, s, false);
                if (p != null && (best == null || p.cost() < best.cost())) {
                    best = p;
                }
            }
        }
        return best;
    }

    /** The plan for tile t with about s splits, or null when the split is not worth considering. */
    private static Plan candidate(DType dtype, int m, int n, int k, int sms, Tile t, int s, boolean forced) {
        int kChunk = roundUp(ceilDiv(k, s), BK);
        int splits = ceilDiv(k, kChunk);
        if (splits > 65535) {
            splits = 65535;
            kChunk = roundUp(ceilDiv(k, splits), BK);
            splits = ceilDiv(k, kChunk);
        }
        long tiles = (long) ceilDiv(m, t.bm) * ceilDiv(n, t.bn);
        long workspace = splits > 1 ? (long) splits * m * n : 0;
        if (!forced && splits != s) {
            return null; // another s gives the same split
        }
        if (!forced && splits > 1 && (kChunk < MIN_SPLIT_CHUNK || workspace > MAX_WORKSPACE_ELEMENTS)) {
            return null;
        }
        if (tiles > Integer.MAX_VALUE) {
            return null;
        }
        int bps = t.blocksPerSm(dtype);
        long slots = (long) sms * bps;
        long waves = ceilDiv(tiles * splits, slots);
        double fmaPerClock = dtype == DType.FLOAT32 ? 128 : 64;
        double launch = LAUNCH_SECONDS * CLOCK_HZ * fmaPerClock;
        double cost = waves * ((double) t.bm * t.bn * kChunk * bps / t.efficiency) + launch;
        if (splits > 1) {
            cost += launch + (splits + 1.0) * m * n * ELEMENT_COST / sms;
        }
        return new Plan(t, splits, kChunk, (int) tiles, workspace, cost);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }
}
