// C = epilogue(alpha op(A) op(B) [+ beta C]) for row-major A, B, C: a SIMT GEMM (no tensor cores).
//
// Design (the classic fast-SGEMM recipe, as in CUTLASS's SIMT path and public SGEMM write-ups):
//  - Each block computes a BM x BN tile of C, walking K in steps of BK.
//  - Tiles of op(A) and op(B) are staged in shared memory k-major (As[k][m], Bs[k][n]) with a
//    padding of one 16-byte vector per row, two stages (double buffering): while the block computes
//    on one stage, each thread has already issued the global loads of the next k-step into registers;
//    it stores them into the other stage afterwards, so one __syncthreads per k-step suffices.
//  - Global loads are 16-byte vectors (float4 / double2) wherever the leading dimension allows and
//    the vector lies inside the matrix, scalar with zero fill at the edges. Which dimension is
//    contiguous depends on the transpose: a K-contiguous operand (A as stored, or B transposed) is
//    transposed on its way into shared memory; an M/N-contiguous one is copied straight.
//  - Warp tiling: the block's warps tile it WARPS_M x WARPS_N; the 32 lanes of a warp tile the warp
//    tile LM x LN; each thread owns TM x TN accumulators, as (TM/VEC) x (TN/VEC) groups of VEC x VEC
//    spread across the warp tile, so that every fragment read from shared memory is a 16-byte vector
//    and a warp's reads fall in distinct banks (or are broadcasts).
//  - Grouped block order (GROUP tile rows at a time) keeps the A and B panels a wave of blocks
//    touches in L2.
//  - Split-K (gridDim.z > 1): block z covers K range [z kChunk, (z+1) kChunk) and writes its raw
//    tile to partial[z]; splitk_reduce then sums the partials in a fixed order and applies the
//    epilogue. No atomics: every run gives the same bits.
//  - The epilogue is fused: bias + sigmoid (dense forward, optionally keeping Z) or the sigmoid
//    derivative of a saved activation (dense backward) are applied to the accumulators as they are
//    stored, so neither costs a pass over memory.
#ifndef NABLA_GEMM_CUH
#define NABLA_GEMM_CUH

#include "nabla_common.cuh"

#define NABLA_GEMM_VEC_A 1
#define NABLA_GEMM_VEC_B 2
#define NABLA_GEMM_VEC_P 4

template <typename T, int BM_, int BN_, int BK_, int WM_, int WN_, int LM_, int THREADS_>
struct GemmShape {
    static const int BM = BM_, BN = BN_, BK = BK_, WM = WM_, WN = WN_, LM = LM_, THREADS = THREADS_;
    static const int VEC = Vec16<T>::N;
    static const int LN = 32 / LM;
    static const int TM = WM / LM;
    static const int TN = WN / LN;
    static const int WARPS_M = BM / WM;
    static const int WARPS_N = BN / WN;
    static const int GM = TM / VEC;
    static const int GN = TN / VEC;
    static const int SA = BM + VEC;  // padded shared-memory row strides
    static const int SB = BN + VEC;
    static_assert(WARPS_M * WARPS_N * 32 == THREADS, "warps must tile the block");
    static_assert(LM * LN == 32, "lanes must tile the warp");
    static_assert(TM % VEC == 0 && TN % VEC == 0, "thread tiles are whole vectors");
    static_assert(BK % VEC == 0, "BK is whole vectors");
    static_assert((BM * BK) % (VEC * THREADS) == 0 && (BN * BK) % (VEC * THREADS) == 0,
                  "every thread loads whole vectors");
};

// One operand's BK-deep slice of ROWS rows of op(X), from global memory to registers to shared.
// CONTIG_K: element (r, k) of op(X) is X[r ld + k]; otherwise it is X[k ld + r].
template <typename T, int ROWS, int BK, int THREADS, bool CONTIG_K>
struct TileLoader {
    static const int VEC = Vec16<T>::N;
    static const int LOADS = ROWS * BK / (VEC * THREADS);
    static const int STRIDE = ROWS + VEC;
    T reg[LOADS][VEC];

    __device__ __forceinline__ void load(const T* __restrict__ X, int ld, int r0, int rLimit, int k0, int kLimit,
                                         bool vecOk, int tid) {
#pragma unroll
        for (int l = 0; l < LOADS; l++) {
            int v = tid + l * THREADS;
            if (CONTIG_K) {
                int r = v / (BK / VEC);
                int kk = (v % (BK / VEC)) * VEC;
                int gr = r0 + r;
                int gk = k0 + kk;
                if (vecOk && gr < rLimit && gk + VEC <= kLimit) {
                    vload(reg[l], X + (i64) gr * ld + gk);
                } else {
#pragma unroll
                    for (int e = 0; e < VEC; e++) {
                        reg[l][e] = (gr < rLimit && gk + e < kLimit) ? X[(i64) gr * ld + gk + e] : (T) 0;
                    }
                }
            } else {
                int kk = v / (ROWS / VEC);
                int r = (v % (ROWS / VEC)) * VEC;
                int gk = k0 + kk;
                int gr = r0 + r;
                if (vecOk && gk < kLimit && gr + VEC <= rLimit) {
                    vload(reg[l], X + (i64) gk * ld + gr);
                } else {
#pragma unroll
                    for (int e = 0; e < VEC; e++) {
                        reg[l][e] = (gk < kLimit && gr + e < rLimit) ? X[(i64) gk * ld + gr + e] : (T) 0;
                    }
                }
            }
        }
    }

    __device__ __forceinline__ void store(T* S, int tid) const {
#pragma unroll
        for (int l = 0; l < LOADS; l++) {
            int v = tid + l * THREADS;
            if (CONTIG_K) {
                int r = v / (BK / VEC);
                int kk = (v % (BK / VEC)) * VEC;
#pragma unroll
                for (int e = 0; e < VEC; e++) S[(kk + e) * STRIDE + r] = reg[l][e];
            } else {
                int kk = v / (ROWS / VEC);
                int r = (v % (ROWS / VEC)) * VEC;
                vstore(S + kk * STRIDE + r, reg[l]);
            }
        }
    }
};

template <typename T, class S, bool A_CONTIG_K, bool B_CONTIG_K>
__device__ __forceinline__ void gemm_tile(const T* __restrict__ A, const T* __restrict__ B, T* C,
                                          const T* bias, T* Z, const T* aux, T* partial,
                                          double alpha, double beta, int M, int N, int K,
                                          int lda, int ldb, int ldc, int mode, int kChunk, int flags) {
    NABLA_ASSUME(blockDim.x == S::THREADS && blockDim.y == 1 && blockDim.z == 1);
    __shared__ __align__(16) T As[2][S::BK * S::SA];
    __shared__ __align__(16) T Bs[2][S::BK * S::SB];

    // Grouped block order: GROUP consecutive tile rows share their B panel in L2.
    const int GROUP = 8;
    const int tilesM = (M + S::BM - 1) / S::BM;
    const int tilesN = (N + S::BN - 1) / S::BN;
    const int pid = blockIdx.x;
    const int perGroup = GROUP * tilesN;
    const int firstM = (pid / perGroup) * GROUP;
    const int groupRows = min(tilesM - firstM, GROUP);
    const int tm = firstM + (pid % perGroup) % groupRows;
    const int tn = (pid % perGroup) / groupRows;
    const int m0 = tm * S::BM;
    const int n0 = tn * S::BN;

    const int kBegin = blockIdx.z * kChunk;
    const int kEnd = min(K, kBegin + kChunk);
    const int numTiles = kEnd > kBegin ? (kEnd - kBegin + S::BK - 1) / S::BK : 0;

    const int tid = threadIdx.x;
    const int warp = tid / 32;
    const int lane = tid % 32;
    const int rowBase = (warp / S::WARPS_N) * S::WM + (lane / S::LN) * S::VEC;
    const int colBase = (warp % S::WARPS_N) * S::WN + (lane % S::LN) * S::VEC;
    const bool vecA = (flags & NABLA_GEMM_VEC_A) != 0;
    const bool vecB = (flags & NABLA_GEMM_VEC_B) != 0;

    T acc[S::TM][S::TN];
#pragma unroll
    for (int i = 0; i < S::TM; i++) {
#pragma unroll
        for (int j = 0; j < S::TN; j++) acc[i][j] = (T) 0;
    }

    TileLoader<T, S::BM, S::BK, S::THREADS, A_CONTIG_K> la;
    TileLoader<T, S::BN, S::BK, S::THREADS, B_CONTIG_K> lb;
    if (numTiles > 0) {
        la.load(A, lda, m0, M, kBegin, kEnd, vecA, tid);
        lb.load(B, ldb, n0, N, kBegin, kEnd, vecB, tid);
        la.store(As[0], tid);
        lb.store(Bs[0], tid);
    }
    __syncthreads();

    for (int t = 0; t < numTiles; t++) {
        const int cur = t & 1;
        const bool more = t + 1 < numTiles;
        if (more) {
            const int k0 = kBegin + (t + 1) * S::BK;
            la.load(A, lda, m0, M, k0, kEnd, vecA, tid);
            lb.load(B, ldb, n0, N, k0, kEnd, vecB, tid);
        }
        const T* as = As[cur];
        const T* bs = Bs[cur];
#pragma unroll
        for (int kk = 0; kk < S::BK; kk++) {
            T a[S::TM];
            T b[S::TN];
#pragma unroll
            for (int g = 0; g < S::GM; g++) vload(a + g * S::VEC, as + kk * S::SA + rowBase + g * S::LM * S::VEC);
#pragma unroll
            for (int g = 0; g < S::GN; g++) vload(b + g * S::VEC, bs + kk * S::SB + colBase + g * S::LN * S::VEC);
#pragma unroll
            for (int i = 0; i < S::TM; i++) {
#pragma unroll
                for (int j = 0; j < S::TN; j++) acc[i][j] += a[i] * b[j];
            }
        }
        if (more) {
            la.store(As[cur ^ 1], tid);
            lb.store(Bs[cur ^ 1], tid);
        }
        __syncthreads();
    }

    const bool split = gridDim.z > 1;
    const bool vecP = (flags & NABLA_GEMM_VEC_P) != 0;
    const T alphaT = (T) alpha;
    const T betaT = (T) beta;
    T* P = split ? partial + (i64) blockIdx.z * M * N : (T*) 0;
#pragma unroll
    for (int gm = 0; gm < S::GM; gm++) {
#pragma unroll
        for (int i = 0; i < S::VEC; i++) {
            const int m = m0 + rowBase + gm * S::LM * S::VEC + i;
            if (m >= M) continue;
#pragma unroll
            for (int gn = 0; gn < S::GN; gn++) {
                const int n = n0 + colBase + gn * S::LN * S::VEC;
                const T* v = &acc[gm * S::VEC + i][gn * S::VEC];
                if (split) {
                    if (vecP && n + S::VEC <= N) {
                        vstore(P + (i64) m * N + n, v);
                    } else {
#pragma unroll
                        for (int j = 0; j < S::VEC; j++) {
                            if (n + j < N) P[(i64) m * N + n + j] = v[j];
                        }
                    }
                } else {
#pragma unroll
                    for (int j = 0; j < S::VEC; j++) {
                        if (n + j < N) epilogue_store(mode, v[j], m, n + j, ldc, C, bias, Z, aux, alphaT, betaT);
                    }
                }
            }
        }
    }
}

// Sums the split-K partials in order 0, 1, ..., splits-1 and applies the epilogue.
template <typename T>
__device__ __forceinline__ void splitk_reduce(const T* __restrict__ partial, int splits, T* C, const T* bias, T* Z,
                                              const T* aux, double alpha, double beta, int M, int N, int ldc,
                                              int mode) {
    const i64 total = (i64) M * N;
    const i64 step = (i64) gridDim.x * blockDim.x;
    for (i64 idx = (i64) blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += step) {
        T s = partial[idx];
        for (int p = 1; p < splits; p++) s += partial[p * total + idx];
        epilogue_store(mode, s, (int) (idx / N), (int) (idx % N), ldc, C, bias, Z, aux, (T) alpha, (T) beta);
    }
}

// The tile configurations. Names: l(arge) 128x128, m(edium) 64x64, s(mall) 32x32; the host
// (GemmPlanner.java) picks one per call from the shape and the GPU's SM count, with split-K for
// products with few output tiles and a long K.
//                      T       BM   BN  BK  WM  WN  LM  THREADS
typedef GemmShape<float,  128, 128, 8, 64, 32, 8, 256> GemmF32L;
typedef GemmShape<float,   64,  64, 8, 32, 32, 8, 128> GemmF32M;
typedef GemmShape<float,   32,  32, 8, 32, 16, 8,  64> GemmF32S;
typedef GemmShape<double, 128, 128, 8, 64, 32, 8, 256> GemmF64L;
typedef GemmShape<double,  64,  64, 8, 32, 32, 8, 128> GemmF64M;
typedef GemmShape<double,  32,  32, 8, 32, 16, 8,  64> GemmF64S;

#endif
