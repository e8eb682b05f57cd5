package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaOptions;
import dev.nabla.backend.cuda.Fatbin;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every reason a GPU cannot run the backend, produced by DriverGpu.open against the fake driver
 * (src/test/cuda/fake_libcuda.cpp): each comes out as one line, none crashes; and the happy path
 * opens a GPU that the backend then uses through the real bindings.
 */
class FakeDriverTest {
    private static String reason(int ordinal) throws IOException {
        try {
            DriverGpu gpu = DriverGpu.open(FakeDriver.driver(), ordinal, Fatbin.packaged());
            return "opened: " + gpu.describe();
        } catch (DriverGpu.Unusable e) {
            return e.getMessage();
        }
    }

    private static void assertReason(String expectedPart, String reason) {
        assertTrue(reason.contains(expectedPart), "expected '" + expectedPart + "' in: " + reason);
    }

    @Test
    void noDevice() throws IOException {
        FakeDriver.configure(FakeDriver.ERROR_NO_DEVICE, 13000, 0, 9, 0, 132, 0, null, 1L << 30);
        assertReason("no CUDA device: the NVIDIA driver is installed but sees no GPU (cuInit: CUDA_ERROR_NO_DEVICE", reason(0));
        FakeDriver.configure(FakeDriver.SUCCESS, 13000, 0, 9, 0, 132, 0, null, 1L << 30);
        assertReason("no CUDA device: the NVIDIA driver sees no GPU", reason(0));
        // No device is an absent GPU (no warning when the default falls back); a broken one is not.
        assertTrue(unusable(0).absent, "no device is 'absent'");
        FakeDriver.configure(FakeDriver.ERROR_STUB_LIBRARY, 13000, 1, 9, 0, 132, 0, null, 1L << 30);
        assertTrue(!unusable(0).absent, "a stub library is 'unavailable'");
    }

    private static DriverGpu.Unusable unusable(int ordinal) throws IOException {
        try {
            DriverGpu.open(FakeDriver.driver(), ordinal, Fatbin.packaged());
        } catch (DriverGpu.Unusable e) {
            return e;
        }
        throw new AssertionError("the GPU opened");
    }

    @Test
    void stubLibraryInsteadOfADriver() throws IOException {
        FakeDriver.configure(FakeDriver.ERROR_STUB_LIBRARY, 13000, 1, 9, 0, 132, 0, null, 1L << 30);
        assertReason("the NVIDIA driver failed to initialise (cuInit: CUDA_ERROR_STUB_LIBRARY", reason(0));
    }

    @Test
    void aDeviceThatIsNotThere() throws IOException {
        FakeDriver.healthy(1L << 30);
        assertReason("device 1 was asked for, but the driver sees 1 GPU(s) (0..0)", reason(1));
    }

    @Test
    void computeCapabilityBelow75() throws IOException {
        FakeDriver.configure(0, 13000, 1, 7, 0, 80, 0, null, 1L << 30);
        String r = reason(0);
        assertReason("GPU 0 (Fake GPU (Nabla's test driver), compute capability 7.0)", r);
        assertReason("need compute capability 7.5 (Turing) or newer", r);
        FakeDriver.configure(0, 13000, 1, 6, 1, 20, 0, null, 1L << 30);
        assertReason("compute capability 6.1", reason(0));
    }

    @Test
    void aDriverTooOldForTheFatbin() throws IOException {
        FakeDriver.configure(0, 12040, 1, 9, 0, 132, 0, null, 1L << 30);
        String r = reason(0);
        assertReason("the NVIDIA driver supports CUDA 12.4, but the kernels were compiled with CUDA 13.0", r);
        assertReason("need a driver for CUDA 13.0 or newer", r);
    }

    @Test
    void aModuleTheDriverCannotLoad() throws IOException {
        FakeDriver.configure(0, 13000, 1, 9, 0, 132, FakeDriver.ERROR_UNSUPPORTED_PTX_VERSION, null, 1L << 30);
        assertReason("the driver could not load the kernels (cuModuleLoadData: CUDA_ERROR_UNSUPPORTED_PTX_VERSION", reason(0));
        FakeDriver.configure(0, 13000, 1, 9, 0, 132, FakeDriver.ERROR_NO_BINARY_FOR_GPU, null, 1L << 30);
        assertReason("CUDA_ERROR_NO_BINARY_FOR_GPU", reason(0));
    }

    @Test
    void aStaleFatbinMissingAKernel() throws IOException {
        FakeDriver.configure(0, 13000, 1, 9, 0, 132, 0, "nabla_sgd_f32", 1L << 30);
        assertReason("the packaged kernels lack nabla_sgd_f32 (cuModuleGetFunction: CUDA_ERROR_NOT_FOUND", reason(0));
    }

    @Test
    void adaAndBlackwellAreAccepted() throws IOException {
        for (int[] cc : new int[][] {{7, 5}, {8, 6}, {8, 9}, {9, 0}, {10, 0}, {12, 0}}) {
            FakeDriver.configure(0, 13000, 1, cc[0], cc[1], 100, 0, null, 1L << 30);
            assertReason("opened: Fake GPU (Nabla's test driver): compute capability " + cc[0] + "." + cc[1], reason(0));
        }
    }

    @Test
    void aMissingLibraryOrSymbolIsAReasonNotACrash() {
        Object r = CudaRuntime.loadDriver("Linux");
        if (r instanceof CudaRuntime.Absent absent) {
            // No driver here is a machine without a GPU: absent, so the default backend does not warn.
            assertTrue(absent.reason().startsWith("no NVIDIA driver: libcuda.so.1 could not be loaded ("), absent.reason());
        } else if (r instanceof String s) {
            assertTrue(s.contains("too old"), s);
        }
        assertEquals(new CudaRuntime.Absent("the cuda backend runs on Linux (it calls libcuda.so.1); this is Windows 11"),
                CudaRuntime.loadDriver("Windows 11"));
        // libc is not a CUDA driver: binding it fails on the first missing symbol, cleanly.
        SymbolLookup libc = SymbolLookup.libraryLookup("libc.so.6", Arena.global());
        Driver.MissingSymbolException e = assertThrows(Driver.MissingSymbolException.class, () -> Driver.bind(libc));
        assertEquals("libcuda.so.1 has no cuInit", e.getMessage());
    }

    /** The healthy fake GPU through the real bindings: allocation, copies, kernels, the out-of-memory message. */
    @Test
    void theBackendRunsThroughTheDriverBindings() throws Exception {
        FakeDriver.healthy(64L << 20);
        DriverGpu gpu = DriverGpu.open(FakeDriver.driver(), 0, Fatbin.packaged());
        assertEquals(132, gpu.multiprocessors());
        try (Backend b = new CudaBackend(gpu, CudaOptions.defaults())) {
            assertTrue(b.description().startsWith("cuda (Fake GPU (Nabla's test driver): compute capability 9.0, 132 SMs"),
                    b.description());
            try (Tensor x = b.zeros(DType.FLOAT32, 2, 3); Tensor y = b.zeros(DType.FLOAT32, 3, 2);
                 Tensor z = b.zeros(DType.FLOAT32, 2, 2)) {
                b.copyFromHost(new float[] {1, 2, 3, 4, 5, 6}, x);
                b.copyFromHost(new float[] {1, 0, 0, 1, 1, 1}, y);
                b.gemm(false, false, 1, x, y, 0, z);
                assertArrayEquals(new float[] {4, 5, 10, 11}, b.toHostFloats(z));
            }
            IllegalStateException oom = assertThrows(IllegalStateException.class, () -> b.zeros(DType.FLOAT64, 4096, 4096));
            assertEquals("cuda: out of device memory allocating a float64 tensor [4096, 4096] (128.0 MiB) on GPU 0 "
                    + "(Fake GPU (Nabla's test driver)): " + oom.getMessage().replaceAll(".*\\): ", ""), oom.getMessage());
            assertTrue(oom.getMessage().matches(".*: [0-9.]+ MiB free of 64\\.0 MiB"), oom.getMessage());
        }
    }
}
