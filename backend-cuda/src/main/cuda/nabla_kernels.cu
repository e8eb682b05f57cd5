// Nabla's CUDA kernels: the one source of truth, compiled by nvcc into nabla.fatbin (see
// backend-cuda/pom.xml for the architectures) and by g++ into the host emulator the tests use.
//
// Every kernel is extern "C" so the host finds it by name (cuModuleGetFunction). Its parameter
// list is the launch contract: KernelCatalog.java declares the same list, and a test compares the
// two (after the C preprocessor has expanded the macros below).
//
// Names: nabla_<op>_<dtype>, GEMMs nabla_gemm_<dtype>_<op(A)><op(B)>_<tile>, with n = as stored,
// t = transposed, and tile l, m or s (gemm.cuh).
#include "nabla_common.cuh"
#include "gemm.cuh"
#include "elementwise.cuh"

#ifdef NABLA_HOST_EMULATION
#define NABLA_REGISTER(NAME) static emu::Registrar NAME##_registrar(#NAME, &NAME);
#else
#define NABLA_REGISTER(NAME)
#endif

// ------------------------------------------------------------------ GEMM

#define NABLA_GEMM_KERNEL(NAME, T, SHAPE, A_CONTIG_K, B_CONTIG_K, MIN_BLOCKS)                                 \
    NABLA_EXPORT void __launch_bounds__(SHAPE::THREADS, MIN_BLOCKS)                                           \
        NAME(const T* A, const T* B, T* C, const T* bias, T* Z, const T* aux, T* partial, double alpha,        \
             double beta, int M, int N, int K, int lda, int ldb, int ldc, int mode, int kChunk, int flags) {    \
        gemm_tile<T, SHAPE, A_CONTIG_K, B_CONTIG_K>(A, B, C, bias, Z, aux, partial, alpha, beta, M, N, K, lda, \
                                                    ldb, ldc, mode, kChunk, flags);                            \
    }                                                                                                          \
    NABLA_REGISTER(NAME)

// op(A) as stored (nn, nt) means A is K-contiguous; op(B) transposed (nt, tt) means B is.
#define NABLA_GEMM_FAMILY(DT, T, SHAPE, TILE, MIN_BLOCKS)                                       \
    NABLA_GEMM_KERNEL(nabla_gemm_##DT##_nn_##TILE, T, SHAPE, true, false, MIN_BLOCKS)           \
    NABLA_GEMM_KERNEL(nabla_gemm_##DT##_nt_##TILE, T, SHAPE, true, true, MIN_BLOCKS)            \
    NABLA_GEMM_KERNEL(nabla_gemm_##DT##_tn_##TILE, T, SHAPE, false, false, MIN_BLOCKS)          \
    NABLA_GEMM_KERNEL(nabla_gemm_##DT##_tt_##TILE, T, SHAPE, false, true, MIN_BLOCKS)

NABLA_GEMM_FAMILY(f32, float, GemmF32L, l, 2)
NABLA_GEMM_FAMILY(f32, float, GemmF32M, m, 4)
NABLA_GEMM_FAMILY(f32, float, GemmF32S, s, 8)
NABLA_GEMM_FAMILY(f64, double, GemmF64L, l, 1)
NABLA_GEMM_FAMILY(f64, double, GemmF64M, m, 2)
NABLA_GEMM_FAMILY(f64, double, GemmF64S, s, 8)

// ------------------------------------------------------------------ per-dtype kernels

#define NABLA_TYPED_KERNELS(DT, T)                                                                                 \
    NABLA_EXPORT void nabla_splitk_reduce_##DT(const T* partial, int splits, T* C, const T* bias, T* Z,           \
                                               const T* aux, double alpha, double beta, int M, int N, int ldc,     \
                                               int mode) {                                                         \
        splitk_reduce<T>(partial, splits, C, bias, Z, aux, alpha, beta, M, N, ldc, mode);                          \
    }                                                                                                              \
    NABLA_REGISTER(nabla_splitk_reduce_##DT)                                                                       \
    NABLA_EXPORT void nabla_add_row_##DT(const T* x, const T* row, T* out, int rows, int cols) {                  \
        add_row<T>(x, row, out, rows, cols);                                                                       \
    }                                                                                                              \
    NABLA_REGISTER(nabla_add_row_##DT)                                                                             \
    NABLA_EXPORT void nabla_bias_sigmoid_##DT(const T* pre, const T* bias, T* z, T* a, int rows, int cols) {      \
        bias_sigmoid<T>(pre, bias, z, a, rows, cols);                                                              \
    }                                                                                                              \
    NABLA_REGISTER(nabla_bias_sigmoid_##DT)                                                                        \
    NABLA_EXPORT void nabla_sigmoid_##DT(const T* x, T* out, i64 n) {                                              \
        sigmoid_fw<T>(x, out, n);                                                                                  \
    }                                                                                                              \
    NABLA_REGISTER(nabla_sigmoid_##DT)                                                                             \
    NABLA_EXPORT void nabla_sigmoid_backward_##DT(const T* g, const T* a, T* out, i64 n) {                         \
        sigmoid_bw<T>(g, a, out, n);                                                                               \
    }                                                                                                              \
    NABLA_REGISTER(nabla_sigmoid_backward_##DT)                                                                    \
    NABLA_EXPORT void nabla_axpy_##DT(double alpha, const T* x, T* y, i64 n) {                                     \
        axpy<T>(alpha, x, y, n);                                                                                   \
    }                                                                                                              \
    NABLA_REGISTER(nabla_axpy_##DT)                                                                                \
    NABLA_EXPORT void nabla_scale_##DT(double alpha, T* x, i64 n) {                                                \
        scale<T>(alpha, x, n);                                                                                     \
    }                                                                                                              \
    NABLA_REGISTER(nabla_scale_##DT)                                                                               \
    NABLA_EXPORT void nabla_sgd_##DT(T* p, const T* g, T* v, double lr, double mu, i64 n) {                        \
        sgd<T>(p, g, v, lr, mu, n);                                                                                \
    }                                                                                                              \
    NABLA_REGISTER(nabla_sgd_##DT)                                                                                 \
    NABLA_EXPORT void nabla_column_sums_##DT(const T* x, T* out, int rows, int cols) {                             \
        column_sums<T>(x, out, rows, cols);                                                                        \
    }                                                                                                              \
    NABLA_REGISTER(nabla_column_sums_##DT)                                                                         \
    NABLA_EXPORT void __launch_bounds__(NABLA_REDUCE_THREADS)                                                      \
        nabla_loss_grad_##DT(int loss, const T* z, const T* a, const T* y, T* dz, double* partials, int rows,      \
                             int cols) {                                                                           \
        loss_grad<T>(loss, z, a, y, dz, partials, rows, cols);                                                     \
    }                                                                                                              \
    NABLA_REGISTER(nabla_loss_grad_##DT)                                                                           \
    NABLA_EXPORT void nabla_row_argmax_##DT(const T* x, int* out, int rows, int cols) {                            \
        row_argmax<T>(x, out, rows, cols);                                                                         \
    }                                                                                                              \
    NABLA_REGISTER(nabla_row_argmax_##DT)

NABLA_TYPED_KERNELS(f32, float)
NABLA_TYPED_KERNELS(f64, double)

// ------------------------------------------------------------------ dtype-free kernels

NABLA_EXPORT void __launch_bounds__(NABLA_REDUCE_THREADS)
    nabla_sum_partials(const double* partials, int count, double* out, double divisor) {
    sum_partials(partials, count, out, divisor);
}
NABLA_REGISTER(nabla_sum_partials)
