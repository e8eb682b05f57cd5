package dev.nabla.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 GEMM for tiny problems, straight from the operands as stored (no packing), computing each
 * element exactly as the packed path does (see {@link Sgemm}): c = beta c, then c = fma(alpha a_ip,
 * b_pj, c) for p in order. C rows are accumulated as vector axpys when op(B) rows are contiguous
 * (lanes run along j, so the k order per element is unchanged; the tail uses the same fma), and
 * element by element otherwise.
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
        } else {
            byElements(transA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    /** c[i, :] = beta c[i, :], then c[i, :] = fma(alpha op(A)[i, p], B[p, :], c[i, :]) for each p. */
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
                    c[ci + j] = Math.fma(aip, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    /** c[i, j] = beta c[i, j], then c[i, j] = fma(alpha op(A)[i, p], B[j, p], c[i, j]) for each p. */
    private static void byElements(boolean transA, int m, int n, int k, float alpha, float[] a, int lda, float[] b,
                                   int ldb, float beta, float[] c, int ldc) {
        for (int i = 0; i < m; i++) {
            scaleRow(c, i * ldc, n, beta);
            for (int j = 0; j < n; j++) {
                int idx = i * ldc + j;
                float sum = c[idx];
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(alpha * (transA ? a[p * lda + i] : a[i * lda + p]), b[j * ldb + p], sum);
                }
                c[idx] = sum;
            }
        }
    }

    /** The packed path's scaleTile for one row: beta = 0 writes zeros, beta = 1 leaves C as it is. */
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
