package dev.nabla.backend.cuda.ffm;

import dev.nabla.tensor.DType;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * cuBLAS's GEMMs (cublasSgemm_v2, cublasDgemm_v2) through the FFM API, for {@code gemm=cublas}:
 * libcublas.so.13 or, failing that, libcublas.so.12, whichever loads. One handle per backend, on the
 * backend's stream. cuBLAS works on the device's primary context, which is the one the backend uses.
 *
 * <p>Row-major products through a column-major library: C = op(A) op(B) in row-major is
 * C^T = op(B)^T op(A)^T in column-major, and a row-major matrix read column-major is its transpose,
 * so the call is gemm(op(B), op(A)) with m and n swapped and every leading dimension the row-major
 * column count.
 *
 * <p>Math mode: CUBLAS_DEFAULT_MATH (IEEE float32, no TF32) unless {@code tf32=true}, which sets
 * CUBLAS_TF32_TENSOR_OP_MATH.
 */
public final class Cublas implements AutoCloseable {
    static final List<String> LIBRARIES = List.of("libcublas.so.13", "libcublas.so.12");

    /** Every bound function: exported symbol -> C signature (cublas_api.h). */
    static final Map<String, FunctionDescriptor> FUNCTIONS;

    static {
        Map<String, FunctionDescriptor> f = new LinkedHashMap<>();
        f.put("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        f.put("cublasDgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        FUNCTIONS = Collections.unmodifiableMap(f);
    }

    static final int OP_N = 0;
    static final int OP_T = 1;
    static final int DEFAULT_MATH = 0;
    static final int TF32_TENSOR_OP_MATH = 3;

    private final Gpu gpu;
    private final String library;
    private final Map<String, MethodHandle> handles;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final MemorySegment scalars;
    private final int version;
    private final boolean tf32;
    private boolean closed;

    private Cublas(Gpu gpu, String library, Map<String, MethodHandle> handles, boolean tf32) {
        this.gpu = gpu;
        this.library = library;
        this.handles = handles;
        this.tf32 = tf32;
        gpu.bind();
        MemorySegment out = arena.allocate(ADDRESS);
        check(call("cublasCreate_v2", out), "cublasCreate");
        this.handle = out.get(ADDRESS, 0);
        MemorySegment v = arena.allocate(JAVA_INT);
        check(call("cublasGetVersion_v2", handle, v), "cublasGetVersion");
        this.version = v.get(JAVA_INT, 0);
        check(call("cublasSetMathMode", handle, tf32 ? TF32_TENSOR_OP_MATH : DEFAULT_MATH), "cublasSetMathMode");
        this.scalars = arena.allocate(16, 8);
    }

    /** cuBLAS on this GPU, or an error saying which libraries were tried and why they failed. */
    static Cublas open(Gpu gpu, boolean tf32) {
        List<String> failures = new ArrayList<>();
        for (String name : LIBRARIES) {
            SymbolLookup lib;
            try {
                lib = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                failures.add(name + ": " + e.getMessage());
                continue;
            }
            Linker linker = Linker.nativeLinker();
            Map<String, MethodHandle> handles = new LinkedHashMap<>();
            String missing = null;
            for (Map.Entry<String, FunctionDescriptor> e : FUNCTIONS.entrySet()) {
                var symbol = lib.find(e.getKey());
                if (symbol.isEmpty()) {
                    missing = e.getKey();
                    break;
                }
                handles.put(e.getKey(), linker.downcallHandle(symbol.get(), e.getValue()));
            }
            if (missing != null) {
                failures.add(name + " has no " + missing);
                continue;
            }
            return new Cublas(gpu, name, handles, tf32);
        }
        throw new IllegalStateException("cuda: gemm=cublas, but cuBLAS is not available (" + String.join("; ", failures)
                + "); use gemm=own");
    }

    /** Whether a cuBLAS library loads here, and which: for reports. */
    public static String probe() {
        List<String> failures = new ArrayList<>();
        for (String name : LIBRARIES) {
            try {
                SymbolLookup.libraryLookup(name, Arena.global());
                return name + " loads";
            } catch (IllegalArgumentException e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        return "no cuBLAS (" + String.join("; ", failures) + ")";
    }

    private int call(String function, Object... args) {
        try {
            return (int) handles.get(function).invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(int status, String call) {
        if (status != 0) {
            throw new CudaException(call, status, statusName(status));
        }
    }

    static String statusName(int status) {
        return switch (status) {
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cublasStatus_t " + status;
        };
    }

    void setStream(long stream) {
        gpu.bind();
        check(call("cublasSetStream_v2", handle, MemorySegment.ofAddress(stream)), "cublasSetStream");
    }

    /**
     * Row-major C [cRows, cCols] = alpha op(A) op(B) + beta C, where A is [aRows, aCols] and B
     * [bRows, bCols] as stored.
     */
    void gemm(boolean transA, boolean transB, double alpha, int aRows, int aCols, long a, int bRows, int bCols, long b,
              double beta, DType dtype, int cRows, int cCols, long c) {
        gpu.bind();
        int k = transA ? aRows : aCols;
        MemorySegment alphaP = scalars.asSlice(0, 8);
        MemorySegment betaP = scalars.asSlice(8, 8);
        String function;
        if (dtype == DType.FLOAT32) {
            alphaP.set(JAVA_FLOAT, 0, (float) alpha);
            betaP.set(JAVA_FLOAT, 0, (float) beta);
            function = "cublasSgemm_v2";
        } else {
            alphaP.set(JAVA_DOUBLE, 0, alpha);
            betaP.set(JAVA_DOUBLE, 0, beta);
            function = "cublasDgemm_v2";
        }
        int status = call(function, handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N, cCols, cRows, k, alphaP,
                MemorySegment.ofAddress(b), bCols, MemorySegment.ofAddress(a), aCols, betaP, MemorySegment.ofAddress(c),
                cCols);
        check(status, function);
    }

    String describe() {
        return "cuBLAS " + (version / 10000) + "." + (version / 100 % 100) + "." + (version % 100) + " GEMM (" + library
                + (tf32 ? ", TF32 tensor cores" : ", IEEE float32") + ")";
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            gpu.bind();
            check(call("cublasDestroy_v2", handle), "cublasDestroy");
            arena.close();
        }
    }
}
