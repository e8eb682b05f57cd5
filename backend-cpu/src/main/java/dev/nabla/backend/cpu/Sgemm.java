package dev.nabla.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 GEMM in the BLIS shape: C = alpha op(A) op(B) + beta C on row-major arrays.
 *
 * <p>One register-blocked micro-kernel computes an MR x NR tile of C (NR = two vectors of the
 * preferred species, vectors running along C's rows) from packed panels; everything around it is
 * generic: the NC / KC / MC cache blocking, packing op(A) and op(B) (which is where transposes are
 * absorbed, so no transpose is ever materialised), zero-padded edge panels, threading, and the
 * epilogue that fuses bias, sigmoid or the sigmoid derivative into the tile while it is in L1.
 *
 * <p>Small problems take a direct path with no packing.
 */
final class Sgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Micro-tile columns: two vectors. */
    static final int NR = 2 * L;
    /**
     * Micro-tile rows. With 32 vector registers (AVX-512) 12 rows use 24 accumulators + 2 B vectors
     * + 1 broadcast; with 16 (AVX2 and narrower) 6 rows use 12 + 3. Measured on the dev machine
     * (AVX-512): the 12 x 32 kernel runs at ~170 GFLOP/s from L1, ~92% of one core's FMA peak.
     */
    static final int MR = S.vectorBitSize() >= 512 ? 12 : 6;

    /**
     * Below this many multiply-adds (m * n * k) the packed path does not pay for its packing and
     * tiling: the direct loops run instead. Measured: TODO.
     */
    static final long DIRECT_MAX_WORK = 32L * 32 * 32;

    /** Below this many multiply-adds one thread is faster than waking the others. Measured: TODO. */
    static final long PARALLEL_MIN_WORK = 64L * 64 * 64;

    private final Blocking blocking;
    private final WorkerPool pool;
    private final Scratch[] scratch;
    private final ParallelGemm job = new ParallelGemm();

    Sgemm(Blocking blocking, WorkerPool pool) {
        this.blocking = blocking;
        this.pool = pool;
        this.scratch = new Scratch[pool.threads()];
        for (int t = 0; t < scratch.length; t++) {
            scratch[t] = new Scratch();
        }
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
        int parts = work < PARALLEL_MIN_WORK ? 1 : pool.threads();
        // Split C along its longer dimension, in whole micro-tiles, so every part is one independent
        // blocked GEMM with its own packing buffers (no barriers between threads).
        boolean byRows = m / MR >= n / NR;
        int tiles = byRows ? (m + MR - 1) / MR : (n + NR - 1) / NR;
        parts = Math.max(1, Math.min(parts, tiles));
        if (parts == 1) {
            compute(transA, transB, 0, m, 0, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue, scratch[0]);
            return;
        }
        job.set(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue, byRows, tiles);
        try {
            pool.run(parts, job);
        } finally {
            job.clear();
        }
    }

    /** The parallel job, reused so a call allocates nothing: part p gets a contiguous range of tiles. */
    private final class ParallelGemm implements WorkerPool.Job {
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
        boolean byRows;
        int tiles;

        void set(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda, float[] b,
                 int ldb, float beta, float[] c, int ldc, FloatEpilogue epilogue, boolean byRows, int tiles) {
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
            this.byRows = byRows;
            this.tiles = tiles;
        }

        void clear() {
            a = null;
            b = null;
            c = null;
            epilogue = null;
        }

        @Override
        public void run(int part, int parts) {
            int first = (int) ((long) tiles * part / parts);
            int end = (int) ((long) tiles * (part + 1) / parts);
            if (first >= end) {
                return;
            }
            if (byRows) {
                compute(transA, transB, first * MR, Math.min(m, end * MR), 0, n, k, alpha, a, lda, b, ldb, beta, c,
                        ldc, epilogue, scratch[part]);
            } else {
                compute(transA, transB, 0, m, first * NR, Math.min(n, end * NR), k, alpha, a, lda, b, ldb, beta, c,
                        ldc, epilogue, scratch[part]);
            }
        }
    }

    /** Per-thread scratch: packed panels and an edge tile, grown on demand and reused. */
    static final class Scratch {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR];

        float[] packedA(int size) {
            if (packedA.length < size) {
                packedA = new float[size];
            }
            return packedA;
        }

        float[] packedB(int size) {
            if (packedB.length < size) {
                packedB = new float[size];
            }
            return packedB;
        }
    }

    /**
     * C[rows i0..i1, cols j0..j1] of C = alpha op(A) op(B) + beta C, single-threaded, with the
     * epilogue applied to every finished tile. Operands are full row-major arrays with leading
     * dimensions lda, ldb, ldc.
     */
    void compute(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                 float alpha, float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc,
                 FloatEpilogue epilogue, Scratch scratch) {
        int kcMax = blocking.kc;
        int mcMax = blocking.mc;
        int ncMax = blocking.nc;
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            int ncPadded = roundUp(nc, NR);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean first = pc == 0;
                boolean last = pc + kc == k;
                float[] bp = scratch.packedB(kc * ncPadded);
                packB(transB, b, ldb, pc, kc, jc, nc, bp);
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    float[] ap = scratch.packedA(kc * roundUp(mc, MR));
                    packA(transA, alpha, a, lda, ic, mc, pc, kc, ap);
                    // Rows of micro-tiles outer, columns inner: the A micro-panel stays in L1 while
                    // B micro-panels stream from the L2-resident packed block, and consecutive tiles
                    // walk along the same 12 rows of C, which the L2 streamer then prefetches. (The
                    // transposed order made every tile start with ~24 cache misses on C: -30%.)
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        int aOff = ir * kc;
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            int bOff = jr * kc;
                            int row = ic + ir;
                            int col = jc + jr;
                            int cOff = row * ldc + col;
                            if (first) {
                                scaleTile(c, cOff, ldc, mr, nr, beta);
                            }
                            if (mr == MR && nr == NR) {
                                kernel(kc, ap, aOff, bp, bOff, c, cOff, ldc);
                            } else {
                                float[] t = scratch.tile;
                                java.util.Arrays.fill(t, 0f);
                                kernel(kc, ap, aOff, bp, bOff, t, 0, NR);
                                addTile(t, mr, nr, c, cOff, ldc);
                            }
                            if (last && epilogue != null) {
                                epilogue.apply(c, ldc, row, col, mr, nr);
                            }
                        }
                    }
                }
            }
        }
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * Packs op(A)[ic .. ic+mc, pc .. pc+kc] into MR-row micro-panels, each stored k-major
     * (ap[panel * kc * MR + k * MR + r]), rows past mc zero-filled. alpha is applied here, once per
     * element of A, so the kernel only ever accumulates.
     */
    static void packA(boolean transA, float alpha, float[] a, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (transA) {
                // op(A)[i, p] = A[p, i]: each k reads `rows` contiguous values.
                for (int kk = 0; kk < kc; kk++) {
                    int src = (pc + kk) * lda + ic + ir;
                    int dst = base + kk * MR;
                    for (int r = 0; r < rows; r++) {
                        ap[dst + r] = alpha * a[src + r];
                    }
                    for (int r = rows; r < MR; r++) {
                        ap[dst + r] = 0f;
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = (ic + ir + r) * lda + pc;
                    int dst = base + r;
                    for (int kk = 0; kk < kc; kk++) {
                        ap[dst + kk * MR] = alpha * a[src + kk];
                    }
                }
                for (int r = rows; r < MR; r++) {
                    for (int kk = 0; kk < kc; kk++) {
                        ap[base + r + kk * MR] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs op(B)[pc .. pc+kc, jc .. jc+nc] into NR-column micro-panels, each stored k-major
     * (bp[panel * kc * NR + k * NR + j]), columns past nc zero-filled.
     */
    static void packB(boolean transB, float[] b, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = jr * kc;
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
            } else {
                // op(B)[p, j] = B[j, p]: read each row of B contiguously, write with stride NR.
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

    /** c[valid region] += t, for an edge tile computed into the scratch tile t. */
    static void addTile(float[] t, int mr, int nr, float[] c, int cOff, int ldc) {
        for (int r = 0; r < mr; r++) {
            int o = cOff + r * ldc;
            int to = r * NR;
            for (int j = 0; j < nr; j++) {
                c[o + j] += t[to + j];
            }
        }
    }

    /**
     * One MR x NR tile: c += (packed A panel) x (packed B panel). The accumulators start from C, so
     * the kernel is straight-line code with no branch on vectors and no calls: C2 then keeps all of
     * them in registers. (Variants with a helper call per row, or an add-or-not branch merging
     * vectors, made C2 box the vectors and ran 25-60x slower.)
     */
    static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        if (MR == 12) {
            kernel12(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        } else {
            kernel6(kc, ap, aOff, bp, bOff, c, cOff, ldc);
        }
    }

    private static void kernel12(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
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
        int ai = aOff;
        int bi = bOff;
        for (int kk = 0; kk < kc; kk++, ai += 12, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, ap[ai + 10]);
            ca0 = x.fma(b0, ca0);
            ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(S, ap[ai + 11]);
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

    private static void kernel6(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
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
        int ai = aOff;
        int bi = bOff;
        for (int kk = 0; kk < kc; kk++, ai += 6, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
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
