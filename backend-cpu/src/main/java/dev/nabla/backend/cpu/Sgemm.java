package dev.nabla.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Float32 GEMM in the BLIS shape: C = alpha op(A) op(B) + beta C on row-major arrays.
 *
 * <p>One register-blocked micro-kernel computes an MR x NR tile of C (NR = two vectors of the
 * preferred species, vectors running along C's rows) from packed panels; everything around it is
 * generic: the NC / KC / MC cache blocking, packing op(A) and op(B) (which is where transposes are
 * absorbed, so no transpose is ever materialised), zero-padded edge panels, threading, and the
 * epilogue that fuses bias, sigmoid or the sigmoid derivative into the tile while it is in L1.
 *
 * <p>Small problems take a direct path with no packing. op(A) stored as is (not transposed, alpha = 1)
 * is not packed either: the micro-kernel broadcasts A straight from its rows (measured as fast as
 * from a packed panel, even with a 4096-float row stride), so only op(B) is packed. The dense
 * forward product X W^T can also run as Z^T = W X^T ({@link #denseForwardTransposed}): the weight,
 * the large operand, is then read in place and only the batch's X^T is packed.
 *
 * <p><b>Deterministic by construction.</b> Every path computes every element of C the same way:
 * c = beta c (0 when beta is 0), then c = fma(alpha a_ip, b_pj, c) for p = 0, 1, ..., k-1 in order,
 * one fused multiply-add after another in a single accumulator, then the epilogue. K blocks continue
 * the chain through C; edge tiles continue it through a scratch tile loaded from C. Nothing splits
 * or reorders the k sum (no dot products reduced across lanes, no K split across threads), so the
 * result depends on the operands alone: not on the blocking, the tile shape, the vector width, the
 * number of threads, which thread computes which tile, or the JIT tier. {@code CpuGemmEdgesTest}
 * checks it bit for bit against that scalar loop.
 */
final class Sgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Micro-tile columns: two vectors. */
    static final int NR = 2 * L;
    /**
     * Micro-tile rows. With 32 vector registers (AVX-512) 12 rows use 24 accumulators + 2 B vectors
     * + 1 broadcast; with 16 (AVX2 and narrower) 6 rows use 12 + 3. Measured on the Intel dev
     * machine (AVX-512, JDK 17): from L1 the 12 x 32 kernel runs at 72-77% of a register-only FMA
     * loop's rate; 14, 13, 10 and 8 rows, and 6 x 4, 4 x 6, 8 x 3 vector shapes measured the same or
     * worse. On the AMD EPYC (Zen 5) dev machine, one core, CPU time: 91-100% from L1 and 84-88%
     * with B streaming from a 1 MB block (170-198 of ~195 GFLOP/s); 8 x 3 the same, 6 x 4 worse.
     */
    static final int MR = S.vectorBitSize() >= 512 ? 12 : 6;

    /**
     * At most this many multiply-adds (m * n * k) take the direct loops instead of packing: measured
     * on the dev machine, the packed path is already faster for 16 x 16 x 16 in two of three
     * transpose cases and 3-4x faster from 24^3 up, while for 4^3 the direct loops are 2-3x faster.
     */
    static final long DIRECT_MAX_WORK = 12L * 12 * 12;


    /**
     * Below this many multiply-adds one thread does the product alone. Measured (2 cores): at 48^3 a
     * second thread is slower than none (28.8 vs 35.2 GFLOP/s), at 96^3 slightly faster.
     */
    static final long PARALLEL_MIN_WORK = 80L * 80 * 80;

    /**
     * With at most this many rows, several threads split the columns of C instead of sharing packed
     * blocks: op(A) is packed once for the whole product, then each thread claims column chunks and
     * packs its own op(B) panels, with no barrier between blocks. That suits the batch-sized rows of
     * the training products, where sharing meant two barriers per KC x NC block and B panels packed
     * by the other core. Measured on 2 cores (JMH, against OpenBLAS in the same run): mnist's
     * 128 x 256 x 784 A B^T went from 0.69-0.78x to 1.08x, its other two products to 1.09x and 1.14x,
     * and wide's 256 x 4096 x 4096 A B^T scaled 1.93x from one thread to two instead of 1.74x.
     * From 1024 rows on the shared blocks win (column split against them: 1024 x 256 x 784 A B^T
     * 398 vs 449 calls/s, 1024^3 98 vs 118, 2048 x 1024 x 1024 42 vs 59): the whole packed op(A)
     * no longer stays in L2. 512 lies between the sizes measured.
     */
    static final int COLUMN_SPLIT_MAX_ROWS = 512;

    /** Column chunks per thread in the column split: enough for one slow thread not to hold up the rest. */
    static final int CHUNKS_PER_THREAD = 4;

    /**
     * With at most this many columns (and enough rows), threads split the rows instead: op(B) is
     * packed once for the whole product, then each thread claims row chunks and runs them through
     * every K block, with no barrier between blocks. That suits the transposed dense forward W X^T,
     * whose columns are the batch: the shared blocks cost two barriers per K block (eight in MNIST's
     * first layer) for ~60 us of work at batch 32 on two cores.
     */
    static final int ROW_SPLIT_MAX_COLUMNS = 512;

    private final Blocking blocking;
    private final WorkerPool pool;
    private final Job job;
    /** Packed blocks shared by all threads: each thread packs a share of the panels, then all read them. */
    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    /** Z^T's partial sums between K blocks in {@link #denseForwardTransposed}. */
    private float[] transposedC = new float[0];

    Blocking blocking() {
        return blocking;
    }

    Sgemm(Blocking blocking, WorkerPool pool) {
        this.blocking = blocking;
        this.pool = pool;
        this.job = new Job(pool.threads());
    }

    /**
     * C = alpha op(A) op(B) + beta C, then the epilogue (if any) on every element of C; op(A) is
     * m x k, op(B) is k x n, all arrays row-major with leading dimensions lda, ldb, ldc.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda,
              float[] b, int ldb, float beta, float[] c, int ldc, FloatEpilogue epilogue) {
        long work = (long) m * n * k;
        if (work <= DIRECT_MAX_WORK) {
            SgemmDirect.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            if (epilogue != null) {
                epilogue.apply(c, ldc, 0, 0, m, n);
            }
            return;
        }
        // Blocks of equal size rather than full blocks and a thin remainder: K = 784 in four blocks
        // of 196, not three of 256 and one of 16 (a pass over C that costs as much as a full block).
        // One tile width for every product, narrow ones included (an MNIST classifier's 10 outputs
        // waste 22 of 32 columns of a tile, ~3 us a step): every kernel the JIT must warm up is one
        // more that runs ~100x slower in the interpreter and C1, which do not intrinsify the Vector
        // API, until C2 compiles it; a one-vector-wide kernel, called a few times a step, kept the
        // MNIST b32 forward 40x slower for the first 7 seconds.
        int nr = NR;
        boolean aInPlace = !transA && alpha == 1f;
        int kc = evenSplit(k, blocking.kc, 1);
        int mc = evenSplit(m, blocking.mc, MR);
        int nc = evenSplit(n, blocking.nc, nr);
        int needA = roundUp(mc, MR) * kc;
        int needB = roundUp(nc, nr) * kc;
        if (packedA.length < needA) {
            packedA = new float[needA];
        }
        if (packedB.length < needB) {
            packedB = new float[needB];
        }
        int parts = work < PARALLEL_MIN_WORK ? 1 : pool.threads();
        int chunkCols = roundUp((n + CHUNKS_PER_THREAD * parts - 1) / (CHUNKS_PER_THREAD * parts), NR);
        boolean byColumns = parts > 1 && m <= COLUMN_SPLIT_MAX_ROWS && n >= 2 * parts * NR;
        boolean byRows = parts > 1 && !byColumns && n <= ROW_SPLIT_MAX_COLUMNS && m >= 2 * parts * MR;
        int chunkRows = roundUp((m + CHUNKS_PER_THREAD * parts - 1) / (CHUNKS_PER_THREAD * parts), MR);
        if (byRows) {
            int needWholeB = roundUp(n, NR) * k;
            if (packedB.length < needWholeB) {
                packedB = new float[needWholeB];
            }
        }
        if (byColumns) {
            chunkCols = Math.min(chunkCols, nc);
            int needWholeA = roundUp(m, MR) * k;
            if (!aInPlace && packedA.length < needWholeA) {
                packedA = new float[needWholeA];
            }
            job.ensurePrivateB(kc * chunkCols);
        }
        job.ensureEdgeA(MR * kc);
        job.set(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue, packedA, packedB);
        job.setBlocks(kc, mc, nc, nr);
        job.aInPlace = aInPlace;
        job.byColumns = byColumns;
        job.byRows = byRows;
        job.chunkCols = chunkCols;
        job.chunkRows = chunkRows;
        try {
            pool.run(parts, job);
        } finally {
            job.clear();
        }
    }

    /**
     * The dense forward product computed transposed: Z^T [out, batch] = W X^T, so that the weight
     * W [out, in] is op(A), read in place, and only X^T is packed (as op(B)), instead of packing the
     * whole weight transposed, which costs as much as the product itself at small batches. Each
     * finished tile (MR outputs x NR rows of the batch) gets the bias and the sigmoid while in L1 and
     * is stored transposed into z (when not null) and a, [batch, out]; partial sums between K blocks
     * stay in a [out, batch] scratch. Every element is the same fma chain as in the other orientation
     * (fma(x, w, c) = fma(w, x, c)), so the results are the same bits.
     */
    void denseForwardTransposed(int batch, int out, int in, float[] x, float[] w, FloatEpilogues.BiasSigmoid epilogue) {
        if ((long) batch * out * in <= DIRECT_MAX_WORK) {
            gemm(false, true, batch, out, in, 1f, x, in, w, in, 0f, epilogue.pre(), out, epilogue);
            return;
        }
        int kBlocks = (in + blocking.kc - 1) / blocking.kc;
        if (kBlocks > 1 && transposedC.length < out * batch) {
            transposedC = new float[out * batch];
        }
        job.transposedOut = epilogue;
        try {
            gemm(false, true, out, batch, in, 1f, w, in, x, in, 0f, transposedC, batch, null);
        } finally {
            job.transposedOut = null;
        }
    }

    /**
     * One GEMM as a parallel job, reused so that a call allocates nothing. All parts walk the same
     * NC / KC / MC blocks in step. In each block they first pack op(A) and op(B) together (each part a
     * share of the panels) into the shared buffers, meet at a barrier, then claim units of work (a
     * row panel of MR rows across a chunk of columns) from a shared counter until none are left, and
     * meet again before the buffers are refilled. Claiming work dynamically keeps both cores busy even
     * when one runs slower (on the shared dev machine one of two threads often ran 30% slower).
     */
    private static final class Job implements WorkerPool.Job {
        private final SpinBarrier barrier;
        private final AtomicInteger nextPack = new AtomicInteger();
        private final AtomicInteger nextUnit = new AtomicInteger();
        private final float[][] tiles;
        boolean transA;
        boolean transB;
        int m;
        int n;
        int k;
        float alpha;
        float[] a;
        int lda;
        float[] b;
        int ldb;
        float beta;
        float[] c;
        int ldc;
        FloatEpilogue epilogue;
        float[] ap;
        float[] bp;
        int kcMax;
        int mcMax;
        int ncMax;
        /** Columns of a micro-tile and of a packed B panel (NR). */
        int nr;
        /** op(A) is A itself with alpha = 1: the kernel reads its rows in place, nothing is packed. */
        boolean aInPlace;
        /** Set for {@link #denseForwardTransposed}: finished tiles go through it, transposed, to Z and A. */
        FloatEpilogues.BiasSigmoid transposedOut;
        boolean byColumns;
        int chunkCols;
        boolean byRows;
        int chunkRows;
        /** Each thread's own packed op(B) chunk in the column split. */
        private final float[][] privateB;
        /** Each thread's copy of an edge row panel of an in-place A (fewer than MR rows, zero-padded). */
        private final float[][] edgeA;
        /** Each thread's z and a of a transposed tile before they are stored. */
        private final float[][] tileZ;
        private final float[][] tileA;

        Job(int threads) {
            // At a barrier every thread has stopped claiming, so both counters can restart there.
            barrier = new SpinBarrier(() -> {
                nextPack.set(0);
                nextUnit.set(0);
            });
            tiles = new float[threads][MR * NR];
            privateB = new float[threads][0];
            edgeA = new float[threads][0];
            tileZ = new float[threads][MR * NR];
            tileA = new float[threads][MR * NR];
        }

        void ensureEdgeA(int size) {
            for (int t = 0; t < edgeA.length; t++) {
                if (edgeA[t].length < size) {
                    edgeA[t] = new float[size];
                }
            }
        }

        void ensurePrivateB(int size) {
            for (int t = 0; t < privateB.length; t++) {
                if (privateB[t].length < size) {
                    privateB[t] = new float[size];
                }
            }
        }

        void set(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b,
                 int ldb, float beta, float[] c, int ldc, FloatEpilogue epilogue, float[] ap, float[] bp) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.lda = lda;
            this.b = b;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.ldc = ldc;
            this.epilogue = epilogue;
            this.ap = ap;
            this.bp = bp;
            barrier.reset();
            nextPack.set(0);
            nextUnit.set(0);
        }

        void setBlocks(int kc, int mc, int nc, int nr) {
            kcMax = kc;
            mcMax = mc;
            ncMax = nc;
            this.nr = nr;
        }

        void clear() {
            a = null;
            b = null;
            c = null;
            epilogue = null;
            ap = null;
            bp = null;
        }

        @Override
        public void run(int part, int parts) {
            try {
                if (byColumns) {
                    runByColumns(part, parts);
                } else if (byRows) {
                    runByRows(part, parts);
                } else {
                    runBlocks(part, parts);
                }
            } catch (RuntimeException | Error e) {
                barrier.abort();
                throw e;
            }
        }

        private void runBlocks(int part, int parts) {
            for (int jc = 0; jc < n; jc += ncMax) {
                int nc = Math.min(ncMax, n - jc);
                int colPanels = (nc + nr - 1) / nr;
                for (int pc = 0; pc < k; pc += kcMax) {
                    int kc = Math.min(kcMax, k - pc);
                    boolean first = pc == 0;
                    boolean last = pc + kc == k;
                    for (int ic = 0; ic < m; ic += mcMax) {
                        int mc = Math.min(mcMax, m - ic);
                        int rowPanels = (mc + MR - 1) / MR;
                        // Packing units: the B panels of the block (first row block only), then the
                        // A panels, claimed one at a time so a slower thread simply packs fewer.
                        int bUnits = ic == 0 ? colPanels : 0;
                        int aUnits = aInPlace ? 0 : rowPanels;
                        for (int u = nextPack.getAndIncrement(); u < bUnits + aUnits; u = nextPack.getAndIncrement()) {
                            if (u < bUnits) {
                                packB(transB, b, ldb, pc, kc, jc, nc, bp, u, u + 1);
                            } else {
                                packA(transA, alpha, a, lda, ic, mc, pc, kc, ap, u - bUnits, u - bUnits + 1);
                            }
                        }
                        await(parts);
                        // Enough units for balance: split the columns when there are few row panels.
                        int colChunks = Math.min(colPanels, Math.max(1, (8 * parts + rowPanels - 1) / rowPanels));
                        int panelsPerChunk = (colPanels + colChunks - 1) / colChunks;
                        int units = rowPanels * colChunks;
                        for (int u = nextUnit.getAndIncrement(); u < units; u = nextUnit.getAndIncrement()) {
                            int ir = (u / colChunks) * MR;
                            int jr0 = (u % colChunks) * panelsPerChunk * nr;
                            int jr1 = Math.min(nc, jr0 + panelsPerChunk * nr);
                            if (aInPlace) {
                                rowPanel(a, (ic + ir) * lda + pc, lda, bp, ic + ir, Math.min(MR, mc - ir), jc, jr0,
                                        jr1, kc, first, last, part);
                            } else {
                                rowPanel(ap, ir * kc, kc, bp, ic + ir, Math.min(MR, mc - ir), jc, jr0, jr1, kc, first,
                                        last, part);
                            }
                        }
                        await(parts);
                    }
                }
            }
        }

        /**
         * The column split (few rows): all parts pack the whole of op(A) together, block by KC block
         * (block p at offset roundUp(m, MR) * pc), meet once, then claim column chunks; a chunk's
         * owner packs its op(B) panels for one KC block at a time into its own buffer and runs every
         * row panel across them, so no one waits on anyone until the end.
         */
        private void runByColumns(int part, int parts) {
            float[] bOwn = privateB[part];
            int rowPanels = (m + MR - 1) / MR;
            int mPadded = rowPanels * MR;
            if (!aInPlace) {
                int kBlocks = (k + kcMax - 1) / kcMax;
                int packUnits = kBlocks * rowPanels;
                for (int u = nextPack.getAndIncrement(); u < packUnits; u = nextPack.getAndIncrement()) {
                    int pc = (u / rowPanels) * kcMax;
                    int panel = u % rowPanels;
                    packA(transA, alpha, a, lda, 0, m, pc, Math.min(kcMax, k - pc), ap, mPadded * pc, panel, panel + 1);
                }
                await(parts);
            }
            int chunks = (n + chunkCols - 1) / chunkCols;
            for (int ch = nextUnit.getAndIncrement(); ch < chunks; ch = nextUnit.getAndIncrement()) {
                int jc = ch * chunkCols;
                int nc = Math.min(chunkCols, n - jc);
                int colPanels = (nc + nr - 1) / nr;
                for (int pc = 0; pc < k; pc += kcMax) {
                    int kc = Math.min(kcMax, k - pc);
                    packB(transB, b, ldb, pc, kc, jc, nc, bOwn, 0, colPanels);
                    for (int ir = 0; ir < m; ir += MR) {
                        if (aInPlace) {
                            rowPanel(a, ir * lda + pc, lda, bOwn, ir, Math.min(MR, m - ir), jc, 0, nc, kc,
                                    pc == 0, pc + kc == k, part);
                        } else {
                            rowPanel(ap, mPadded * pc + ir * kc, kc, bOwn, ir, Math.min(MR, m - ir), jc, 0, nc, kc,
                                    pc == 0, pc + kc == k, part);
                        }
                    }
                }
            }
        }

        /**
         * The row split (few columns): all parts pack the whole of op(B) together, K block by K block
         * (block p at offset roundUp(n, NR) * pc), meet once, then claim row chunks and run each
         * through every K block (the block's B panels stay in L2 across the chunk's row panels); A is
         * read in place or each part packs its own row panels, so no one waits on anyone until the end.
         */
        private void runByRows(int part, int parts) {
            int colPanels = (n + NR - 1) / NR;
            int nPadded = colPanels * NR;
            int kBlocks = (k + kcMax - 1) / kcMax;
            int packUnits = kBlocks * colPanels;
            for (int u = nextPack.getAndIncrement(); u < packUnits; u = nextPack.getAndIncrement()) {
                int pc = (u / colPanels) * kcMax;
                int panel = u % colPanels;
                packB(transB, b, ldb, pc, Math.min(kcMax, k - pc), 0, n, bp, nPadded * pc, panel, panel + 1);
            }
            await(parts);
            float[] aOwn = edgeA[part];
            int chunks = (m + chunkRows - 1) / chunkRows;
            for (int ch = nextUnit.getAndIncrement(); ch < chunks; ch = nextUnit.getAndIncrement()) {
                int i0 = ch * chunkRows;
                int i1 = Math.min(m, i0 + chunkRows);
                for (int pc = 0; pc < k; pc += kcMax) {
                    int kc = Math.min(kcMax, k - pc);
                    for (int ir = i0; ir < i1; ir += MR) {
                        int mr = Math.min(MR, i1 - ir);
                        if (aInPlace) {
                            rowPanel(a, ir * lda + pc, lda, bp, nPadded * pc, ir, mr, 0, 0, n, kc, pc == 0,
                                    pc + kc == k, part);
                        } else {
                            packA(transA, alpha, a, lda, ir, mr, pc, kc, aOwn, 0, 0, 1);
                            rowPanel(aOwn, 0, kc, bp, nPadded * pc, ir, mr, 0, 0, n, kc, pc == 0, pc + kc == k, part);
                        }
                    }
                }
            }
        }

        private void await(int parts) {
            if (parts > 1) {
                barrier.await(parts);
            } else {
                nextPack.set(0);
                nextUnit.set(0);
            }
        }

        /**
         * One row panel (mr rows from ic + ir) across packed columns [jr0, jr1) of the block: the A
         * micro-panel stays in L1 while B micro-panels stream from L2, and consecutive tiles walk
         * along the same rows of C, which the hardware prefetcher follows. A's MR rows are aStride
         * apart: a packed panel (stride kc) or A itself (stride lda); an edge panel of an in-place A is
         * first copied, zero-padded to MR rows, so the kernel never reads past A.
         */
        private void rowPanel(float[] aSrc, int aOff, int aStride, float[] bp, int row, int mr, int jc, int jr0,
                              int jr1, int kc, boolean first, boolean last, int part) {
            rowPanel(aSrc, aOff, aStride, bp, 0, row, mr, jc, jr0, jr1, kc, first, last, part);
        }

        /** A's rows for {@link #rowPanel}: a packed panel when aSrc is a packing buffer, else A in place. */
        private boolean packed(float[] aSrc) {
            return aSrc != a;
        }

        /** {@link #rowPanel} with the B panels from bp[bBase + jr * kc]. */
        private void rowPanel(float[] aSrc, int aOff, int aStride, float[] bp, int bBase, int row, int mr, int jc,
                              int jr0, int jr1, int kc, boolean first, boolean last, int part) {
            float[] tile = tiles[part];
            if (!packed(aSrc) && mr < MR) {
                float[] edge = edgeA[part];
                for (int r = 0; r < MR; r++) {
                    if (r < mr) {
                        System.arraycopy(aSrc, aOff + r * aStride, edge, r * kc, kc);
                    } else {
                        java.util.Arrays.fill(edge, r * kc, (r + 1) * kc, 0f);
                    }
                }
                aSrc = edge;
                aOff = 0;
                aStride = kc;
            }
            int width = this.nr;
            boolean toTransposed = last && transposedOut != null;
            for (int jr = jr0; jr < jr1; jr += width) {
                int cols = Math.min(width, jr1 - jr);
                int col = jc + jr;
                int cOff = row * ldc + col;
                if (toTransposed) {
                    // The last K block of Z^T's tile: finish it in the scratch tile, then store it transposed.
                    if (first) {
                        java.util.Arrays.fill(tile, 0f);
                    } else {
                        loadTile(c, cOff, ldc, mr, cols, tile);
                    }
                    tileKernel(kc, aSrc, aOff, aStride, bp, bBase + jr * kc, tile, 0, NR, width);
                    transposedOut.applyTransposed(tile, NR, row, col, mr, cols, tileZ[part], tileA[part]);
                    continue;
                }
                if (first) {
                    scaleTile(c, cOff, ldc, mr, cols, beta);
                }
                if (mr == MR && cols == width) {
                    tileKernel(kc, aSrc, aOff, aStride, bp, bBase + jr * kc, c, cOff, ldc, width);
                } else {
                    // The scratch tile continues the same fma chains from C's current values.
                    loadTile(c, cOff, ldc, mr, cols, tile);
                    tileKernel(kc, aSrc, aOff, aStride, bp, bBase + jr * kc, tile, 0, NR, width);
                    storeTile(tile, mr, cols, c, cOff, ldc);
                }
                if (last && epilogue != null) {
                    epilogue.apply(c, ldc, row, col, mr, cols);
                }
            }
        }

        private static void tileKernel(int kc, float[] aSrc, int aOff, int aStride, float[] bp, int bOff, float[] c,
                                       int cOff, int ldc, int width) {
            kernelRows(kc, aSrc, aOff, aStride, bp, bOff, c, cOff, ldc);
        }
    }

    /**
     * The block size that splits {@code total} into the fewest blocks of at most {@code max}, all of
     * about equal size, rounded up to a multiple of {@code unit} (but never above max).
     */
    static int evenSplit(int total, int max, int unit) {
        int blocks = (total + max - 1) / max;
        int size = roundUp((total + blocks - 1) / blocks, unit);
        return Math.min(size, max);
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * Packs op(A)[ic .. ic+mc, pc .. pc+kc] into MR-row micro-panels, each row-major with row stride
     * kc (ap[panel * MR * kc + r * kc + k]), the layout the kernel also reads an in-place A in; rows
     * past mc zero-filled; only panels [panel0, panel1). alpha is applied here, once per element of
     * A, so the kernel only ever accumulates.
     */
    static void packA(boolean transA, float alpha, float[] a, int lda, int ic, int mc, int pc, int kc, float[] ap,
                      int panel0, int panel1) {
        packA(transA, alpha, a, lda, ic, mc, pc, kc, ap, 0, panel0, panel1);
    }

    /** {@link #packA} into ap from offset apOff. */
    static void packA(boolean transA, float alpha, float[] a, int lda, int ic, int mc, int pc, int kc, float[] ap,
                      int apOff, int panel0, int panel1) {
        for (int ir = panel0 * MR; ir < Math.min(mc, panel1 * MR); ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = apOff + ir * kc;
            if (transA) {
                // op(A)[i, p] = A[p, i]: each k reads `rows` contiguous values, one per panel row.
                for (int kk = 0; kk < kc; kk++) {
                    int src = (pc + kk) * lda + ic + ir;
                    for (int r = 0; r < rows; r++) {
                        ap[base + r * kc + kk] = alpha * a[src + r];
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = (ic + ir + r) * lda + pc;
                    int dst = base + r * kc;
                    for (int kk = 0; kk < kc; kk++) {
                        ap[dst + kk] = alpha * a[src + kk];
                    }
                }
            }
            java.util.Arrays.fill(ap, base + rows * kc, base + MR * kc, 0f);
        }
    }

    /**
     * Packs op(B)[pc .. pc+kc, jc .. jc+nc] into NR-column micro-panels, each stored k-major
     * (bp[panel * kc * NR + k * NR + j]), columns past nc zero-filled; only panels [panel0, panel1).
     */
    static void packB(boolean transB, float[] b, int ldb, int pc, int kc, int jc, int nc, float[] bp,
                      int panel0, int panel1) {
        packB(transB, b, ldb, pc, kc, jc, nc, bp, 0, panel0, panel1);
    }

    /** {@link #packB} into bp from offset bpOff. */
    static void packB(boolean transB, float[] b, int ldb, int pc, int kc, int jc, int nc, float[] bp, int bpOff,
                      int panel0, int panel1) {
        for (int jr = panel0 * NR; jr < Math.min(nc, panel1 * NR); jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = bpOff + jr * kc;
            if (!transB && cols == NR) {
                for (int kk = 0; kk < kc; kk++) {
                    int src = (pc + kk) * ldb + jc + jr;
                    int dst = base + kk * NR;
                    FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                }
            } else if (!transB) {
                for (int kk = 0; kk < kc; kk++) {
                    int src = (pc + kk) * ldb + jc + jr;
                    int dst = base + kk * NR;
                    for (int j = 0; j < cols; j++) {
                        bp[dst + j] = b[src + j];
                    }
                    for (int j = cols; j < NR; j++) {
                        bp[dst + j] = 0f;
                    }
                }
            } else if (cols == NR && NR % 8 == 0) {
                // op(B)[p, j] = B[j, p]: eight rows of B are read side by side so each k writes eight
                // adjacent floats (measured ~15% faster than one row at a time).
                for (int j = 0; j < NR; j += 8) {
                    int src = (jc + jr + j) * ldb + pc;
                    int dst = base + j;
                    for (int kk = 0; kk < kc; kk++) {
                        int o = dst + kk * NR;
                        int i = src + kk;
                        bp[o] = b[i];
                        bp[o + 1] = b[i + ldb];
                        bp[o + 2] = b[i + 2 * ldb];
                        bp[o + 3] = b[i + 3 * ldb];
                        bp[o + 4] = b[i + 4 * ldb];
                        bp[o + 5] = b[i + 5 * ldb];
                        bp[o + 6] = b[i + 6 * ldb];
                        bp[o + 7] = b[i + 7 * ldb];
                    }
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    int src = (jc + jr + j) * ldb + pc;
                    int dst = base + j;
                    for (int kk = 0; kk < kc; kk++) {
                        bp[dst + kk * NR] = b[src + kk];
                    }
                }
                for (int j = cols; j < NR; j++) {
                    for (int kk = 0; kk < kc; kk++) {
                        bp[base + j + kk * NR] = 0f;
                    }
                }
            }
        }
    }

    /** c[tile] *= beta before the first K block; beta = 0 writes zeros (stale NaNs never leak in). */
    static void scaleTile(float[] c, int cOff, int ldc, int mr, int nr, float beta) {
        if (beta == 1f) {
            return;
        }
        if (beta == 0f && nr == NR) {
            // Two vector stores per row: the kernel's 64-byte loads then forward straight from them
            // (Arrays.fill cost ~5% of an MNIST step here).
            FloatVector zero = FloatVector.zero(S);
            for (int r = 0; r < mr; r++) {
                int o = cOff + r * ldc;
                zero.intoArray(c, o);
                zero.intoArray(c, o + L);
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            int o = cOff + r * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, o, o + nr, 0f);
            } else {
                for (int j = 0; j < nr; j++) {
                    c[o + j] *= beta;
                }
            }
        }
    }

    /** The scratch tile t (MR x NR, row stride NR) = C's valid region, zeros elsewhere. */
    static void loadTile(float[] c, int cOff, int ldc, int mr, int nr, float[] t) {
        java.util.Arrays.fill(t, 0f);
        for (int r = 0; r < mr; r++) {
            System.arraycopy(c, cOff + r * ldc, t, r * NR, nr);
        }
    }

    /** C's valid region = the scratch tile t, for an edge tile computed in t. */
    static void storeTile(float[] t, int mr, int nr, float[] c, int cOff, int ldc) {
        for (int r = 0; r < mr; r++) {
            System.arraycopy(t, r * NR, c, cOff + r * ldc, nr);
        }
    }

    /**
     * One MR x NR tile: c += A x (packed B panel), A's MR rows {@code lda} apart (a packed panel, or
     * A itself read in place), broadcast from a[aOff + r * lda + kk]. The accumulators start from C,
     * so the kernel is straight-line code with no branch on vectors and no calls: C2 then keeps all
     * of them in registers. (Variants with a helper call per row, or an add-or-not branch merging
     * vectors, made C2 box the vectors and ran 25-60x slower.) The only micro-kernel: every kernel
     * the JIT must compile is one more that runs the Vector API's ~1000x slower Java fallback until
     * C2 gets to it.
     */
    static void kernelRows(int kc, float[] a, int aOff, int lda, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        if (MR == 12) {
            kernelRows12(kc, a, aOff, lda, bp, bOff, c, cOff, ldc);
        } else {
            kernelRows6(kc, a, aOff, lda, bp, bOff, c, cOff, ldc);
        }
    }

    private static void kernelRows12(int kc, float[] a, int aOff, int lda, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, cOff);
        FloatVector c01 = FloatVector.fromArray(S, c, cOff + L);
        FloatVector c10 = FloatVector.fromArray(S, c, cOff + ldc);
        FloatVector c11 = FloatVector.fromArray(S, c, cOff + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
        FloatVector c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
        FloatVector c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + L);
        FloatVector c60 = FloatVector.fromArray(S, c, cOff + 6 * ldc);
        FloatVector c61 = FloatVector.fromArray(S, c, cOff + 6 * ldc + L);
        FloatVector c70 = FloatVector.fromArray(S, c, cOff + 7 * ldc);
        FloatVector c71 = FloatVector.fromArray(S, c, cOff + 7 * ldc + L);
        FloatVector c80 = FloatVector.fromArray(S, c, cOff + 8 * ldc);
        FloatVector c81 = FloatVector.fromArray(S, c, cOff + 8 * ldc + L);
        FloatVector c90 = FloatVector.fromArray(S, c, cOff + 9 * ldc);
        FloatVector c91 = FloatVector.fromArray(S, c, cOff + 9 * ldc + L);
        FloatVector ca0 = FloatVector.fromArray(S, c, cOff + 10 * ldc);
        FloatVector ca1 = FloatVector.fromArray(S, c, cOff + 10 * ldc + L);
        FloatVector cb0 = FloatVector.fromArray(S, c, cOff + 11 * ldc);
        FloatVector cb1 = FloatVector.fromArray(S, c, cOff + 11 * ldc + L);
        int r1 = lda;
        int r2 = 2 * lda;
        int r3 = 3 * lda;
        int r4 = 4 * lda;
        int r5 = 5 * lda;
        int r6 = 6 * lda;
        int r7 = 7 * lda;
        int r8 = 8 * lda;
        int r9 = 9 * lda;
        int r10 = 10 * lda;
        int r11 = 11 * lda;
        int bi = bOff;
        for (int kk = 0; kk < kc; kk++, bi += NR) {
            int ai = aOff + kk;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + r1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + r2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + r3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + r4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + r5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ai + r6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ai + r7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, a[ai + r8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, a[ai + r9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, a[ai + r10]);
            ca0 = x.fma(b0, ca0);
            ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(S, a[ai + r11]);
            cb0 = x.fma(b0, cb0);
            cb1 = x.fma(b1, cb1);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + L);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + L);
        c80.intoArray(c, cOff + 8 * ldc);
        c81.intoArray(c, cOff + 8 * ldc + L);
        c90.intoArray(c, cOff + 9 * ldc);
        c91.intoArray(c, cOff + 9 * ldc + L);
        ca0.intoArray(c, cOff + 10 * ldc);
        ca1.intoArray(c, cOff + 10 * ldc + L);
        cb0.intoArray(c, cOff + 11 * ldc);
        cb1.intoArray(c, cOff + 11 * ldc + L);
    }

    private static void kernelRows6(int kc, float[] a, int aOff, int lda, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, c, cOff);
        FloatVector c01 = FloatVector.fromArray(S, c, cOff + L);
        FloatVector c10 = FloatVector.fromArray(S, c, cOff + ldc);
        FloatVector c11 = FloatVector.fromArray(S, c, cOff + ldc + L);
        FloatVector c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + L);
        FloatVector c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
        FloatVector c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + L);
        FloatVector c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
        FloatVector c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + L);
        int r1 = lda;
        int r2 = 2 * lda;
        int r3 = 3 * lda;
        int r4 = 4 * lda;
        int r5 = 5 * lda;
        int bi = bOff;
        for (int kk = 0; kk < kc; kk++, bi += NR) {
            int ai = aOff + kk;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ai + r1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ai + r2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ai + r3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ai + r4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ai + r5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
    }
}
