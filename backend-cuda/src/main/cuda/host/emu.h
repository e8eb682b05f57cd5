// Host emulation of the CUDA C subset Nabla's kernels use, for testing them without a GPU.
//
// Compiled by g++ (never by nvcc) with NABLA_HOST_EMULATION defined. Each CUDA thread of a block
// becomes a fiber (ucontext) on one OS thread; the blocks of a grid run one after another. The
// built-in index variables are globals that the scheduler sets before resuming a fiber;
// __syncthreads() parks the fiber until every thread of its block has arrived (a block whose
// threads exit while others wait at a barrier is reported, as the hardware would hang or misbehave);
// __shared__ becomes `static`, so a block's threads share it, and blocks, run in sequence, reuse it.
// See emu_device.cpp for the scheduler and the device-memory shim the Java tests drive.
#ifndef NABLA_HOST_EMU_H
#define NABLA_HOST_EMU_H

#include <cmath>
#include <math.h>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <type_traits>

namespace emu {
struct Dim3 {
    unsigned x, y, z;
};
extern Dim3 threadIdx_, blockIdx_, blockDim_, gridDim_;
void syncthreads();
[[noreturn]] void fail(const char* message);

typedef void (*Invoker)(void* fn, void** params);
void register_kernel(const char* name, void* fn, Invoker invoker, int paramCount);

template <typename... Args, std::size_t... I>
void invoke_with(void (*f)(Args...), void** params, std::index_sequence<I...>) {
    f(*static_cast<typename std::remove_reference<Args>::type*>(params[I])...);
}

// Registers an extern "C" kernel under its name with an invoker that unpacks a cuLaunchKernel-style
// kernelParams array (one pointer per parameter, pointing at the value) into the typed call.
template <typename... Args>
struct Registrar {
    Registrar(const char* name, void (*f)(Args...)) {
        register_kernel(name, reinterpret_cast<void*>(f), [](void* fn, void** params) {
            invoke_with(reinterpret_cast<void (*)(Args...)>(fn), params, std::index_sequence_for<Args...>{});
        }, static_cast<int>(sizeof...(Args)));
    }
};
}  // namespace emu

#define threadIdx emu::threadIdx_
#define blockIdx emu::blockIdx_
#define blockDim emu::blockDim_
#define gridDim emu::gridDim_
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))
#define __restrict__ __restrict
#define __syncthreads() emu::syncthreads()
#define NABLA_ASSUME(cond) ((cond) ? (void) 0 : emu::fail("kernel assumption failed: " #cond))

struct alignas(16) float4 {
    float x, y, z, w;
};
struct alignas(16) double2 {
    double x, y;
};

template <typename T>
inline T min(T a, T b) {
    return b < a ? b : a;
}
template <typename T>
inline T max(T a, T b) {
    return a < b ? b : a;
}
using std::exp;

using std::fabs;
using std::fmax;
using std::log1p;

#endif
