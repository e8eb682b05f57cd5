package dev.nabla.backend.cuda;

import dev.nabla.tensor.DType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every kernel of {@code src/main/cuda/nabla_kernels.cu} with its parameter list: the launch contract
 * between the Java side, which packs arguments for {@code cuLaunchKernel}, and the CUDA C side.
 * {@code KernelCatalogTest} checks this table against the kernels' declarations after the C
 * preprocessor has expanded them, and the backend checks every launch's arguments against it.
 *
 * <p>Internal to the {@code cuda} backend: public only because its Java 22 half (package
 * {@code dev.nabla.backend.cuda.ffm}) uses it. Not a stable API.
 */
public final class KernelCatalog {
    /** A kernel parameter's C type as the launch sees it: a pointer, int, long long or double. */
    public enum Param {
        /** A device pointer (CUdeviceptr), 8 bytes. */
        PTR("pointer", 8),
        /** A C {@code int}, 4 bytes. */
        I32("int", 4),
        /** A C {@code long long}, 8 bytes. */
        I64("long long", 8),
        /** A C {@code double}, 8 bytes (scalars are passed in double for both dtypes). */
        F64("double", 8);

        private final String cName;
        private final int bytes;

        Param(String cName, int bytes) {
            this.cName = cName;
            this.bytes = bytes;
        }

        /**
         * The C type's name, as in {@link #declaration}.
         *
         * @return e.g. {@code long long}
         */
        public String cName() {
            return cName;
        }

        /**
         * The argument's size as the launch packs it.
         *
         * @return 4 or 8
         */
        public int bytes() {
            return bytes;
        }
    }

    private static final Param P = Param.PTR;
    private static final Param I = Param.I32;
    private static final Param L = Param.I64;
    private static final Param D = Param.F64;

    /** A, B, C, bias, Z, aux, partial, alpha, beta, M, N, K, lda, ldb, ldc, mode, kChunk, flags. */
    public static final List<Param> GEMM = List.of(P, P, P, P, P, P, P, D, D, I, I, I, I, I, I, I, I, I);
    /** partial, splits, C, bias, Z, aux, alpha, beta, M, N, ldc, mode. */
    public static final List<Param> SPLITK_REDUCE = List.of(P, I, P, P, P, P, D, D, I, I, I, I);
    /** x, row, out, rows, cols. */
    public static final List<Param> ADD_ROW = List.of(P, P, P, I, I);
    /** pre, bias, z, a, rows, cols. */
    public static final List<Param> BIAS_SIGMOID = List.of(P, P, P, P, I, I);
    /** x, out, n. */
    public static final List<Param> SIGMOID = List.of(P, P, L);
    /** g, a, out, n. */
    public static final List<Param> SIGMOID_BACKWARD = List.of(P, P, P, L);
    /** alpha, x, y, n. */
    public static final List<Param> AXPY = List.of(D, P, P, L);
    /** alpha, x, n. */
    public static final List<Param> SCALE = List.of(D, P, L);
    /** p, g, v, lr, mu, n. */
    public static final List<Param> SGD = List.of(P, P, P, D, D, L);
    /** x, out, rows, cols. */
    public static final List<Param> COLUMN_SUMS = List.of(P, P, I, I);
    /** loss, z, a, y, dz, partials, rows, cols. */
    public static final List<Param> LOSS_GRAD = List.of(I, P, P, P, P, P, I, I);
    /** x, out, rows, cols. */
    public static final List<Param> ROW_ARGMAX = List.of(P, P, I, I);
    /** partials, count, out, divisor. */
    public static final List<Param> SUM_PARTIALS = List.of(P, I, P, D);

    /** GEMM epilogue mode (NABLA_EPI_* in nabla_common.cuh): C = alpha op(A) op(B) + beta C. */
    public static final int EPI_LINEAR = 0;
    /** GEMM epilogue mode: the dense forward step, bias and sigmoid (Z and A written). */
    public static final int EPI_FORWARD = 1;
    /** GEMM epilogue mode: the dense backward step, times aux * (1 - aux). */
    public static final int EPI_BACKWARD = 2;

    /** GEMM flag (NABLA_GEMM_VEC_* in gemm.cuh): 16-byte loads of A are allowed. */
    public static final int VEC_A = 1;
    /** GEMM flag: 16-byte loads of B are allowed. */
    public static final int VEC_B = 2;
    /** GEMM flag: 16-byte stores of the split-K partials are allowed. */
    public static final int VEC_PARTIAL = 4;

    /** nabla_loss_grad's loss argument for {@code mse} (NABLA_LOSS_* in elementwise.cuh). */
    public static final int LOSS_MSE = 0;
    /** nabla_loss_grad's loss argument for {@code bce}. */
    public static final int LOSS_BCE = 1;

    /** Threads of the reduction kernels (NABLA_REDUCE_THREADS). */
    public static final int REDUCE_THREADS = 256;
    /** Block width of nabla_column_sums (NABLA_COLSUM_X): columns per block. */
    public static final int COLSUM_X = 32;
    /** Block height of nabla_column_sums (NABLA_COLSUM_Y): threads summing one column. */
    public static final int COLSUM_Y = 8;

    private static final Map<String, List<Param>> ALL;

    static {
        Map<String, List<Param>> all = new LinkedHashMap<>();
        for (DType dtype : DType.values()) {
            for (GemmPlanner.Tile tile : GemmPlanner.Tile.values()) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        all.put(gemm(dtype, ta, tb, tile), GEMM);
                    }
                }
            }
            all.put(typed("splitk_reduce", dtype), SPLITK_REDUCE);
            all.put(typed("add_row", dtype), ADD_ROW);
            all.put(typed("bias_sigmoid", dtype), BIAS_SIGMOID);
            all.put(typed("sigmoid", dtype), SIGMOID);
            all.put(typed("sigmoid_backward", dtype), SIGMOID_BACKWARD);
            all.put(typed("axpy", dtype), AXPY);
            all.put(typed("scale", dtype), SCALE);
            all.put(typed("sgd", dtype), SGD);
            all.put(typed("column_sums", dtype), COLUMN_SUMS);
            all.put(typed("loss_grad", dtype), LOSS_GRAD);
            all.put(typed("row_argmax", dtype), ROW_ARGMAX);
        }
        all.put("nabla_sum_partials", SUM_PARTIALS);
        ALL = Collections.unmodifiableMap(all);
    }

    private KernelCatalog() {
    }

    /**
     * Every kernel name and its parameters, in a fixed order.
     *
     * @return an unmodifiable map from kernel name to parameter list
     */
    public static Map<String, List<Param>> all() {
        return ALL;
    }

    /**
     * The parameters of a kernel.
     *
     * @param kernel the kernel's name, e.g. {@code nabla_sigmoid_f32}
     * @return its parameter list
     * @throws IllegalArgumentException naming the kernel if the catalog has no such kernel
     */
    public static List<Param> params(String kernel) {
        List<Param> params = ALL.get(kernel);
        if (params == null) {
            throw new IllegalArgumentException("no kernel named '" + kernel + "' in the catalog");
        }
        return params;
    }

    /**
     * A GEMM kernel's name, e.g. {@code nabla_gemm_f32_nt_l}: op(A) as stored, op(B) transposed,
     * the 128x128 tile.
     *
     * @param dtype the element type
     * @param transA whether A is transposed
     * @param transB whether B is transposed
     * @param tile the tile
     * @return the kernel's name
     */
    public static String gemm(DType dtype, boolean transA, boolean transB, GemmPlanner.Tile tile) {
        return "nabla_gemm_" + suffix(dtype) + "_" + (transA ? 't' : 'n') + (transB ? 't' : 'n') + "_" + tile.code();
    }

    /**
     * A typed kernel's name, e.g. {@code nabla_sigmoid_f64}.
     *
     * @param op the operation, e.g. {@code sigmoid}
     * @param dtype the element type
     * @return the kernel's name
     */
    public static String typed(String op, DType dtype) {
        return "nabla_" + op + "_" + suffix(dtype);
    }

    /**
     * A dtype's suffix in kernel names.
     *
     * @param dtype the element type
     * @return {@code f32} or {@code f64}
     */
    public static String suffix(DType dtype) {
        return dtype == DType.FLOAT32 ? "f32" : "f64";
    }

    /**
     * A kernel's catalog entry as a C declaration, for error messages.
     *
     * @param kernel the kernel's name
     * @return e.g. {@code nabla_sigmoid_f32(pointer, pointer, long long)}
     * @throws IllegalArgumentException if the catalog has no such kernel
     */
    public static String declaration(String kernel) {
        StringBuilder b = new StringBuilder(kernel).append('(');
        List<Param> params = params(kernel);
        for (int i = 0; i < params.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(params.get(i).cName());
        }
        return b.append(')').toString();
    }
}
