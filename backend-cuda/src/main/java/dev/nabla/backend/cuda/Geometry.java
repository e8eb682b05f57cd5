package dev.nabla.backend.cuda;

/**
 * Launch geometry of the non-GEMM kernels: a grid of {@code gridX} x {@code gridY} blocks of
 * {@code blockX} x {@code blockY} threads. Element-wise kernels loop grid-stride, so any grid is
 * correct and the cap only bounds the block count. The loss reduction's grid is a function of the
 * element count alone, which is what makes its sum the same bits on every run.
 *
 * @param gridX blocks in x
 * @param gridY blocks in y, at most 65535
 * @param gridZ blocks in z, at most 65535
 * @param blockX threads per block in x
 * @param blockY threads per block in y
 * @param blockZ threads per block in z, at most 64; at most 1024 threads per block in all
 *
 * <p>Internal to the {@code cuda} backend: public only because its Java 22 half (package
 * {@code dev.nabla.backend.cuda.ffm}) uses it. Not a stable API.
 */
public record Geometry(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {
    /** Threads per block of the element-wise kernels. */
    public static final int ELEMENTWISE_THREADS = 256;
    /** At most this many blocks for an element-wise kernel (each thread then loops). */
    public static final int ELEMENTWISE_MAX_BLOCKS = 8192;
    /** At most this many loss partial sums (blocks of the loss kernel). */
    public static final int LOSS_MAX_BLOCKS = 1024;
    /** Elements per thread the loss kernel aims for before it adds blocks. */
    static final int LOSS_ELEMENTS_PER_THREAD = 8;

    /**
     * Checks the dimensions against CUDA's limits.
     *
     * @param gridX blocks in x
     * @param gridY blocks in y
     * @param gridZ blocks in z
     * @param blockX threads per block in x
     * @param blockY threads per block in y
     * @param blockZ threads per block in z
     * @throws IllegalArgumentException if a dimension is not positive or exceeds CUDA's limits
     */
    public Geometry {
        if (gridX <= 0 || gridY <= 0 || gridZ <= 0 || blockX <= 0 || blockY <= 0 || blockZ <= 0) {
            throw new IllegalArgumentException("launch geometry has a non-positive dimension: " + describe(gridX, gridY,
                    gridZ, blockX, blockY, blockZ));
        }
        if (gridY > 65535 || gridZ > 65535 || blockZ > 64 || (long) blockX * blockY * blockZ > 1024) {
            throw new IllegalArgumentException("launch geometry exceeds CUDA's limits: " + describe(gridX, gridY, gridZ,
                    blockX, blockY, blockZ));
        }
    }

    /**
     * A one-dimensional launch.
     *
     * @param blocks the number of blocks
     * @param threads threads per block
     * @return the geometry
     * @throws IllegalArgumentException if either is not positive, or {@code threads} exceeds 1024
     */
    public static Geometry of1d(int blocks, int threads) {
        return new Geometry(blocks, 1, 1, threads, 1, 1);
    }

    /**
     * A grid-stride kernel over n elements: {@value #ELEMENTWISE_THREADS} threads per block, at most
     * {@value #ELEMENTWISE_MAX_BLOCKS} blocks.
     *
     * @param n the number of elements
     * @return the geometry; at least one block
     */
    public static Geometry elementwise(long n) {
        long blocks = (n + ELEMENTWISE_THREADS - 1) / ELEMENTWISE_THREADS;
        return of1d((int) Math.max(1, Math.min(blocks, ELEMENTWISE_MAX_BLOCKS)), ELEMENTWISE_THREADS);
    }

    /**
     * nabla_loss_grad over n elements: its block count is the number of partial sums.
     *
     * @param n the number of elements
     * @return the geometry; a function of n alone
     */
    public static Geometry loss(long n) {
        long perBlock = (long) KernelCatalog.REDUCE_THREADS * LOSS_ELEMENTS_PER_THREAD;
        long blocks = (n + perBlock - 1) / perBlock;
        return of1d((int) Math.max(1, Math.min(blocks, LOSS_MAX_BLOCKS)), KernelCatalog.REDUCE_THREADS);
    }

    /**
     * nabla_sum_partials: one block.
     *
     * @return the geometry
     */
    public static Geometry sumPartials() {
        return of1d(1, KernelCatalog.REDUCE_THREADS);
    }

    /**
     * nabla_column_sums over cols columns: one block of 32 x 8 threads per 32 columns.
     *
     * @param cols the number of columns
     * @return the geometry
     */
    public static Geometry columnSums(int cols) {
        int blocks = (cols + KernelCatalog.COLSUM_X - 1) / KernelCatalog.COLSUM_X;
        return new Geometry(blocks, 1, 1, KernelCatalog.COLSUM_X, KernelCatalog.COLSUM_Y, 1);
    }

    /**
     * A GEMM plan's launch: gridX output tiles, split-K in z.
     *
     * @param plan the plan
     * @return the geometry
     */
    public static Geometry gemm(GemmPlanner.Plan plan) {
        return new Geometry(plan.gridX(), 1, plan.splits(), plan.threads(), 1, 1);
    }

    /**
     * Threads in the whole launch.
     *
     * @return the product of the six dimensions
     */
    public long threads() {
        return (long) gridX * gridY * gridZ * blockX * blockY * blockZ;
    }

    private static String describe(int gx, int gy, int gz, int bx, int by, int bz) {
        return "grid (" + gx + ", " + gy + ", " + gz + ") block (" + bx + ", " + by + ", " + bz + ")";
    }

    @Override
    public String toString() {
        return describe(gridX, gridY, gridZ, blockX, blockY, blockZ);
    }
}
