// Element-wise kernels, column sums, losses and their gradients, the SGD update, row argmax.
//
// Element-wise loops are grid-stride loops over n = rows * cols elements. Reductions (column sums,
// the loss) are deterministic: each thread adds a fixed set of elements in a fixed order, threads
// combine through a fixed shared-memory tree, and the host fixes the grid size from the shape
// alone, so every run gives the same bits. No atomics anywhere.
//
// Scalar arithmetic of float32 tensors is done in double where the reference backend's contract
// (each result the float64 value rounded once) would otherwise cost more than one rounding: axpy,
// scale, the SGD update and the loss gradients. These are memory-bound, so the doubles are free.
#ifndef NABLA_ELEMENTWISE_CUH
#define NABLA_ELEMENTWISE_CUH

#include "nabla_common.cuh"

#define NABLA_LOSS_MSE 0
#define NABLA_LOSS_BCE 1

// Threads of the 1-D reduction kernels (loss partials, final sum): a power of two.
#define NABLA_REDUCE_THREADS 256

#define GRID_STRIDE(i, n)                                                                     \
    for (i64 i = (i64) blockIdx.x * blockDim.x + threadIdx.x, i##_step = (i64) gridDim.x * blockDim.x; \
         i < (n); i += i##_step)

// out = x + row (row broadcast over the rows). out may be x.
template <typename T>
__device__ __forceinline__ void add_row(const T* x, const T* row, T* out, int rows, int cols) {
    const i64 n = (i64) rows * cols;
    GRID_STRIDE(i, n) {
        out[i] = x[i] + row[i % cols];
    }
}

// v = pre + bias (broadcast); z = v if z is given; a = sigmoid(v). pre may be z or a.
template <typename T>
__device__ __forceinline__ void bias_sigmoid(const T* pre, const T* bias, T* z, T* a, int rows, int cols) {
    const i64 n = (i64) rows * cols;
    GRID_STRIDE(i, n) {
        T v = pre[i] + bias[i % cols];
        if (z != 0) z[i] = v;
        a[i] = sigmoid_of(v);
    }
}

template <typename T>
__device__ __forceinline__ void sigmoid_fw(const T* x, T* out, i64 n) {
    GRID_STRIDE(i, n) {
        out[i] = sigmoid_of(x[i]);
    }
}

// out = g a (1 - a). out may be g or a.
template <typename T>
__device__ __forceinline__ void sigmoid_bw(const T* g, const T* a, T* out, i64 n) {
    GRID_STRIDE(i, n) {
        T ai = a[i];
        out[i] = g[i] * (ai * ((T) 1 - ai));
    }
}

// y = y + alpha x.
template <typename T>
__device__ __forceinline__ void axpy(double alpha, const T* x, T* y, i64 n) {
    GRID_STRIDE(i, n) {
        y[i] = (T) ((double) y[i] + alpha * (double) x[i]);
    }
}

// x = alpha x.
template <typename T>
__device__ __forceinline__ void scale(double alpha, T* x, i64 n) {
    GRID_STRIDE(i, n) {
        x[i] = (T) (alpha * (double) x[i]);
    }
}

// Without velocity: p = p - lr g. With velocity v: v = mu v + g; p = p - lr v, rounded to T after
// each step exactly as the composition scale, axpy, axpy of the reference backend does.
template <typename T>
__device__ __forceinline__ void sgd(T* p, const T* g, T* v, double lr, double mu, i64 n) {
    GRID_STRIDE(i, n) {
        if (v != 0) {
            T vi = (T) (mu * (double) v[i]);
            vi = (T) ((double) vi + (double) g[i]);
            v[i] = vi;
            p[i] = (T) ((double) p[i] + (-lr) * (double) vi);
        } else {
            p[i] = (T) ((double) p[i] + (-lr) * (double) g[i]);
        }
    }
}

// out[c] = sum over r of x[r, c]. Block (32, 8): 32 columns; thread row ty adds rows ty, ty + 8, ...
// in order; the 8 partial sums are then added in order 0..7.
#define NABLA_COLSUM_X 32
#define NABLA_COLSUM_Y 8
template <typename T>
__device__ __forceinline__ void column_sums(const T* x, T* out, int rows, int cols) {
    NABLA_ASSUME(blockDim.x == NABLA_COLSUM_X && blockDim.y == NABLA_COLSUM_Y);
    __shared__ T part[NABLA_COLSUM_Y][NABLA_COLSUM_X + 1];
    const int c = blockIdx.x * NABLA_COLSUM_X + threadIdx.x;
    T s = (T) 0;
    if (c < cols) {
        for (int r = threadIdx.y; r < rows; r += NABLA_COLSUM_Y) s += x[(i64) r * cols + c];
    }
    part[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && c < cols) {
        T total = part[0][threadIdx.x];
        for (int k = 1; k < NABLA_COLSUM_Y; k++) total += part[k][threadIdx.x];
        out[c] = total;
    }
}

// A fixed-shape tree sum of one double per thread over a block of NABLA_REDUCE_THREADS threads;
// thread 0 gets the block's total.
__device__ __forceinline__ double block_sum(double v, double* shared) {
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int half = NABLA_REDUCE_THREADS / 2; half > 0; half /= 2) {
        if ((int) threadIdx.x < half) shared[threadIdx.x] += shared[threadIdx.x + half];
        __syncthreads();
    }
    return shared[0];
}

// Loss terms and/or gradients of sigmoid outputs a (logits z) against targets y, [rows, cols].
// partials (when given): partials[block] = this block's sum of the per-element loss terms, in double.
// dz (when given): the gradient dLoss/dz averaged over the rows; dz may be a.
//   mse: term (a - y)^2,                            dz = (a - y) a (1 - a) / rows
//   bce: term softplus(z) - y z, softplus stable,   dz = (a - y) / rows
template <typename T>
__device__ __forceinline__ void loss_grad(int loss, const T* z, const T* a, const T* y, T* dz, double* partials,
                                          int rows, int cols) {
    NABLA_ASSUME(blockDim.x == NABLA_REDUCE_THREADS);
    __shared__ double shared[NABLA_REDUCE_THREADS];
    const i64 n = (i64) rows * cols;
    const double batch = (double) rows;
    double sum = 0;
    GRID_STRIDE(i, n) {
        const double ai = (double) a[i];
        const double yi = (double) y[i];
        const double e = ai - yi;
        if (partials != 0) {
            if (loss == NABLA_LOSS_MSE) {
                sum += e * e;
            } else {
                const double zi = (double) z[i];
                const double softplus = fmax(zi, 0.0) + log1p(exp(-fabs(zi)));
                sum += softplus - yi * zi;
            }
        }
        if (dz != 0) {
            dz[i] = (T) (loss == NABLA_LOSS_MSE ? e * (ai * (1 - ai)) / batch : e / batch);
        }
    }
    if (partials != 0) {
        double total = block_sum(sum, shared);
        if (threadIdx.x == 0) partials[blockIdx.x] = total;
    }
}

// out[0] = (sum of partials[0..count)) / divisor, in a fixed order. One block.
__device__ __forceinline__ void sum_partials(const double* partials, int count, double* out, double divisor) {
    NABLA_ASSUME(blockDim.x == NABLA_REDUCE_THREADS && gridDim.x == 1);
    __shared__ double shared[NABLA_REDUCE_THREADS];
    double s = 0;
    for (int j = threadIdx.x; j < count; j += NABLA_REDUCE_THREADS) s += partials[j];
    double total = block_sum(s, shared);
    if (threadIdx.x == 0) out[0] = total / divisor;
}

// out[r] = the first column index of row r's largest value (NaNs never win, as with `>`).
template <typename T>
__device__ __forceinline__ void row_argmax(const T* x, int* out, int rows, int cols) {
    GRID_STRIDE(r, (i64) rows) {
        const T* row = x + r * cols;
        int best = 0;
        for (int c = 1; c < cols; c++) {
            if (row[c] > row[best]) best = c;
        }
        out[r] = best;
    }
}

#endif
