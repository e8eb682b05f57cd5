// Shared definitions of Nabla's CUDA kernels.
//
// The same sources compile two ways:
//  - by nvcc into the fatbin the `cuda` backend loads (the normal case), and
//  - by g++ with NABLA_HOST_EMULATION defined, where host/emu.h maps threadIdx, blockIdx, __shared__
//    and __syncthreads onto fibers (one per CUDA thread, blocks in sequence). The JUnit tests run
//    every kernel that way on this GPU-less machine, through the same Java launch code.
// Kernels therefore use only what both understand: __shared__ arrays declared at kernel scope,
// __syncthreads() reached by every thread of the block, no warp intrinsics, no atomics.
#ifndef NABLA_COMMON_CUH
#define NABLA_COMMON_CUH

#ifdef NABLA_HOST_EMULATION
#include "host/emu.h"
#else
#define NABLA_ASSUME(cond) ((void) 0)
#endif

#define NABLA_EXPORT extern "C" __global__

typedef long long i64;

// 16-byte vectors: 4 floats or 2 doubles per global or shared memory access.
template <typename T> struct Vec16;
template <> struct Vec16<float> {
    typedef float4 type;
    static const int N = 4;
};
template <> struct Vec16<double> {
    typedef double2 type;
    static const int N = 2;
};

template <typename T>
__device__ __forceinline__ void vload(T* dst, const T* src) {
    typedef typename Vec16<T>::type V;
    V v = *reinterpret_cast<const V*>(src);
    const T* p = reinterpret_cast<const T*>(&v);
#pragma unroll
    for (int e = 0; e < Vec16<T>::N; e++) dst[e] = p[e];
}

template <typename T>
__device__ __forceinline__ void vstore(T* dst, const T* src) {
    typedef typename Vec16<T>::type V;
    V v;
    T* p = reinterpret_cast<T*>(&v);
#pragma unroll
    for (int e = 0; e < Vec16<T>::N; e++) p[e] = src[e];
    *reinterpret_cast<V*>(dst) = v;
}

// The logistic function. exp/expf (not the fast __expf) keep float32 within a few ulps and
// float64 within one or two; both saturate cleanly: exp(-x) overflows to inf for very negative x,
// giving exactly 0, and underflows to 0 for very positive x, giving exactly 1; NaN stays NaN.
__device__ __forceinline__ float sigmoid_of(float z) {
    return 1.0f / (1.0f + expf(-z));
}
__device__ __forceinline__ double sigmoid_of(double z) {
    return 1.0 / (1.0 + exp(-z));
}

// Epilogue modes of the GEMM kernels and of the split-K reduction (see gemm.cuh).
#define NABLA_EPI_LINEAR 0    // C = alpha acc + beta C (beta == 0: C is not read)
#define NABLA_EPI_FORWARD 1   // z = alpha acc + bias[n]; Z = z if Z given; C = sigmoid(z)
#define NABLA_EPI_BACKWARD 2  // C = alpha acc * aux (1 - aux), aux[m, n] the saved activation

template <typename T>
__device__ __forceinline__ void epilogue_store(int mode, T acc, int m, int n, int ldc, T* C, const T* bias,
                                               T* Z, const T* aux, T alpha, T beta) {
    i64 idx = (i64) m * ldc + n;
    T v = alpha * acc;
    if (mode == NABLA_EPI_LINEAR) {
        if (beta != (T) 0) v += beta * C[idx];
        C[idx] = v;
    } else if (mode == NABLA_EPI_FORWARD) {
        v += bias[n];
        if (Z != 0) Z[idx] = v;
        C[idx] = sigmoid_of(v);
    } else {
        T a = aux[idx];
        C[idx] = v * (a * ((T) 1 - a));
    }
}

#endif
