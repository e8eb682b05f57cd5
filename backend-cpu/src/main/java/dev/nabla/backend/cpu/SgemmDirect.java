package dev.nabla.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 GEMM for small problems, straight from the operands as stored (no packing): C rows are
 * accumulated as vector axpys when op(B) rows are contiguous, and as vector dot products when both
 * operands are contiguous along k (A B^T, the forward product).
 */
final class SgemmDirect {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private SgemmDirect() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int lda,
                     float[] b, int ldb, float beta, float[] c, int ldc) {
        if (!transB) {
            rowsByAxpy(transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } else if (!transA) {
            byDotProducts(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } else {
            scalar(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    /** c[i, :] = beta c[i, :] + sum_p alpha op(A)[i, p] B[p, :]. */
    private static void rowsByAxpy(boolean transA, int m, int n, int k, float alpha, float[] a, int lda,
                                   float[] b, int ldb, float beta, float[] c, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = i * ldc;
            scaleRow(c, ci, n, beta);
            for (int p = 0; p < k; p++) {
                float aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                int bp = p * ldb;
                int j = 0;
                if (n >= L) {
                    FloatVector va = FloatVector.broadcast(S, aip);
                    for (; j <= n - L; j += L) {
                        va.fma(FloatVector.fromArray(S, b, bp + j), FloatVector.fromArray(S, c, ci + j))
                                .intoArray(c, ci + j);
                    }
                }
                for (; j < n; j++) {
                    c[ci + j] += aip * b[bp + j];
                }
            }
        }
    }

    /** c[i, j] = alpha dot(A[i, :], B[j, :]) + beta c[i, j]: both rows contiguous along k. */
    private static void byDotProducts(int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb,
                                      float beta, float[] c, int ldc) {
        for (int i = 0; i < m; i++) {
            int ai = i * lda;
            for (int j = 0; j < n; j++) {
                int bj = j * ldb;
                int p = 0;
                float sum = 0f;
                if (k >= L) {
                    FloatVector acc = FloatVector.zero(S);
                    for (; p <= k - L; p += L) {
                        acc = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), acc);
                    }
                    sum = acc.reduceLanes(VectorOperators.ADD);
                }
                for (; p < k; p++) {
                    sum += a[ai + p] * b[bj + p];
                }
                int idx = i * ldc + j;
                c[idx] = beta == 0f ? alpha * sum : alpha * sum + beta * c[idx];
            }
        }
    }

    private static void scalar(int m, int n, int k, float alpha, float[] a, int lda, float[] b, int ldb,
                               float beta, float[] c, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum += a[p * lda + i] * b[j * ldb + p];
                }
                int idx = i * ldc + j;
                c[idx] = beta == 0f ? alpha * sum : alpha * sum + beta * c[idx];
            }
        }
    }

    private static void scaleRow(float[] c, int offset, int n, float beta) {
        if (beta == 0f) {
            java.util.Arrays.fill(c, offset, offset + n, 0f);
        } else if (beta != 1f) {
            for (int j = 0; j < n; j++) {
                c[offset + j] *= beta;
            }
        }
    }
}
