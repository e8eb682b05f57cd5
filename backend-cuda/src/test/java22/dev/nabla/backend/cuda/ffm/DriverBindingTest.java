package dev.nabla.backend.cuda.ffm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every FFM binding against the C headers: each function of {@link Driver#FUNCTIONS} against its
 * prototype in cuda.h after the C preprocessor (so the versioned names, cuMemAlloc_v2 and the like,
 * are what the header really declares), and each of {@link Cublas#FUNCTIONS} against cublas_api.h
 * where that is installed, else against the prototypes of cuBLAS's documentation written below.
 * A mismatch here would be a wrong call into the driver: a crash, not an exception.
 */
class DriverBindingTest {
    /** Where a cuda.h may live: the CUDA toolkit's usual places, or Debian's nvidia-cuda-dev. */
    static Path includeDir(String header) {
        List<String> candidates = new ArrayList<>();
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"}) {
            String v = System.getenv(env);
            if (v != null) {
                candidates.add(v + "/include");
            }
        }
        candidates.addAll(List.of("/usr/local/cuda/include", "/opt/cuda/include", "/usr/include"));
        try (var s = Files.list(Paths.get("/usr/local"))) {
            s.filter(p -> p.getFileName().toString().startsWith("cuda-")).sorted()
                    .forEach(p -> candidates.add(p.resolve("include").toString()));
        } catch (IOException e) {
            // no /usr/local
        }
        for (String c : candidates) {
            if (Files.isRegularFile(Paths.get(c, header))) {
                return Paths.get(c);
            }
        }
        return null;
    }

    static CHeader preprocess(Path header, List<String> extraIncludes) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(NativeBuild.gxx(), "-x", "c", "-E", "-P"));
        for (String inc : extraIncludes) {
            cmd.add("-I" + inc);
        }
        cmd.add(header.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "preprocessing " + header + " timed out");
        assertEquals(0, p.exitValue(), "preprocessing " + header + " failed:\n" + out);
        return new CHeader(out);
    }

    static void assertBindings(String what, Map<String, FunctionDescriptor> bound, CHeader header) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, FunctionDescriptor> e : bound.entrySet()) {
            try {
                FunctionDescriptor declared = header.descriptor(e.getKey());
                if (!CHeader.sameShape(declared, e.getValue())) {
                    problems.add(e.getKey() + ": bound as " + e.getValue() + ", declared as " + declared);
                }
            } catch (IllegalArgumentException x) {
                problems.add(e.getKey() + ": " + x.getMessage());
            }
        }
        assertTrue(problems.isEmpty(), what + ":\n" + String.join("\n", problems));
    }

    @Test
    void driverBindingsMatchCudaH() throws IOException, InterruptedException {
        Path dir = includeDir("cuda.h");
        assumeTrue(dir != null, "no cuda.h here (CUDA_HOME, /usr/local/cuda*/include, /usr/include): nothing to check against");
        CHeader h = preprocess(dir.resolve("cuda.h"), List.of());
        assertBindings("libcuda bindings against " + dir.resolve("cuda.h"), Driver.FUNCTIONS, h);
        assertTrue(Driver.FUNCTIONS.size() >= 38);
    }

    /** The enum values the backend passes, against cuda.h. */
    @Test
    void constantsMatchCudaH() throws IOException {
        Path dir = includeDir("cuda.h");
        assumeTrue(dir != null, "no cuda.h here");
        String h = Files.readString(dir.resolve("cuda.h"));
        Map<String, Integer> constants = Map.ofEntries(
                Map.entry("CUDA_SUCCESS", Driver.SUCCESS),
                Map.entry("CUDA_ERROR_OUT_OF_MEMORY", Driver.ERROR_OUT_OF_MEMORY),
                Map.entry("CUDA_ERROR_NO_DEVICE", Driver.ERROR_NO_DEVICE),
                Map.entry("CU_DEVICE_ATTRIBUTE_CLOCK_RATE", Driver.ATTR_CLOCK_RATE),
                Map.entry("CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT", Driver.ATTR_MULTIPROCESSOR_COUNT),
                Map.entry("CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR", Driver.ATTR_COMPUTE_CAPABILITY_MAJOR),
                Map.entry("CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR", Driver.ATTR_COMPUTE_CAPABILITY_MINOR),
                Map.entry("CU_STREAM_NON_BLOCKING", Driver.STREAM_NON_BLOCKING),
                Map.entry("CU_EVENT_DEFAULT", Driver.EVENT_DEFAULT),
                Map.entry("CU_STREAM_CAPTURE_MODE_THREAD_LOCAL", Driver.STREAM_CAPTURE_MODE_THREAD_LOCAL));
        for (Map.Entry<String, Integer> e : constants.entrySet()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + e.getKey() + "\\s*=\\s*(0x[0-9a-fA-F]+|\\d+)")
                    .matcher(h);
            assertTrue(m.find(), e.getKey() + " is not in cuda.h");
            assertEquals((int) Long.decode(m.group(1)).longValue(), e.getValue().intValue(), e.getKey());
        }
    }

    @Test
    void theParserCatchesAWrongBinding() throws IOException, InterruptedException {
        Path dir = includeDir("cuda.h");
        assumeTrue(dir != null, "no cuda.h here");
        CHeader h = preprocess(dir.resolve("cuda.h"), List.of());
        FunctionDescriptor wrong = FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
                java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_INT);
        assertTrue(!CHeader.sameShape(h.descriptor("cuMemAlloc_v2"), wrong), "size_t is not int");
        assertTrue(CHeader.sameShape(h.descriptor("cuMemAlloc_v2"), Driver.FUNCTIONS.get("cuMemAlloc_v2")));
    }

    /** cuBLAS's prototypes as its documentation gives them (cublas_api.h, CUDA 12 and 13). */
    static final String CUBLAS_DOCUMENTED = """
            typedef enum { CUBLAS_STATUS_SUCCESS = 0 } cublasStatus_t;
            typedef enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2 } cublasOperation_t;
            typedef enum { CUBLAS_DEFAULT_MATH = 0, CUBLAS_TF32_TENSOR_OP_MATH = 3 } cublasMath_t;
            struct cublasContext;
            typedef struct cublasContext *cublasHandle_t;
            typedef struct CUstream_st *cudaStream_t;
            cublasStatus_t cublasCreate_v2(cublasHandle_t *handle);
            cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);
            cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version);
            cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId);
            cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode);
            cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                int m, int n, int k, const float *alpha, const float *A, int lda, const float *B, int ldb,
                const float *beta, float *C, int ldc);
            cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb,
                int m, int n, int k, const double *alpha, const double *A, int lda, const double *B, int ldb,
                const double *beta, double *C, int ldc);
            """;

    @Test
    void cublasBindingsMatchItsHeader() throws IOException, InterruptedException {
        Path dir = includeDir("cublas_api.h");
        CHeader h;
        String source;
        if (dir != null) {
            h = preprocess(dir.resolve("cublas_api.h"), List.of(dir.toString()));
            source = dir.resolve("cublas_api.h").toString();
        } else {
            h = new CHeader(CUBLAS_DOCUMENTED);
            source = "cuBLAS's documented prototypes (no cublas_api.h installed here)";
        }
        assertBindings("cuBLAS bindings against " + source, Cublas.FUNCTIONS, h);
        assertEquals(0, Cublas.OP_N);
        assertEquals(1, Cublas.OP_T);
        assertEquals(3, Cublas.TF32_TENSOR_OP_MATH);
    }
}
