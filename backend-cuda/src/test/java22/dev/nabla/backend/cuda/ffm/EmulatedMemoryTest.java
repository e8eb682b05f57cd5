package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaOptions;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device memory: every tensor is one allocation freed on close, the backend's close frees what its
 * tensors still hold, the Cleaner frees tensors nobody closed, and running out of memory is one
 * error naming what was allocated and the device's free and total memory.
 */
class EmulatedMemoryTest {
    @Test
    void closeFreesTensorsAndTheBackendFreesTheRest() {
        EmulatedGpu gpu = new EmulatedGpu(4);
        int before = gpu.liveAllocations();
        CudaBackend b = new CudaBackend(gpu, CudaOptions.defaults(), null);
        int withScratch = gpu.liveAllocations();
        Tensor t = b.zeros(DType.FLOAT32, 100, 100);
        Tensor u = b.zeros(DType.FLOAT64, 3, 3);
        assertEquals(withScratch + 2, gpu.liveAllocations());
        t.close();
        t.close();
        assertEquals(withScratch + 1, gpu.liveAllocations());
        assertEquals(1, b.liveBuffers());
        b.close();
        assertEquals(before, gpu.liveAllocations(), "the backend's close freed u and its scratch buffers");
        u.close(); // after the backend: nothing left to free, no double free
        assertEquals(before, gpu.liveAllocations());
    }

    @Test
    void theCleanerFreesTensorsNobodyClosed() throws InterruptedException {
        EmulatedGpu gpu = new EmulatedGpu(4);
        try (CudaBackend b = new CudaBackend(gpu, CudaOptions.defaults(), null)) {
            int base = gpu.liveAllocations();
            for (int i = 0; i < 50; i++) {
                b.zeros(DType.FLOAT32, 64, 64); // dropped without close
            }
            assertEquals(base + 50, gpu.liveAllocations());
            for (int i = 0; i < 100 && gpu.liveAllocations() > base; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(base, gpu.liveAllocations(), "the Cleaner freed the dropped tensors");
            assertEquals(0, b.liveBuffers());
        }
    }

    @Test
    void outOfDeviceMemoryNamesWhatAndHowMuch() {
        EmulatedGpu gpu = new EmulatedGpu(4);
        try (CudaBackend b = new CudaBackend(gpu, CudaOptions.defaults(), null)) {
            EmulatedGpu.capacity(gpu.memoryInfo()[1] - gpu.memoryInfo()[0] + (32L << 20));
            try (Tensor fits = b.zeros(DType.FLOAT32, 1024, 1024)) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> b.zeros(DType.FLOAT64, 2048, 2048));
                assertTrue(e.getMessage().startsWith("cuda: out of device memory allocating a float64 tensor [2048, 2048] "
                        + "(32.0 MiB) on GPU 0 (host emulator): 28.0 MiB free of "), e.getMessage());
                assertEquals(1024, fits.rows());
            }
        } finally {
            EmulatedGpu.capacity(EmulatedGpu.DEFAULT_CAPACITY);
        }
    }

    @Test
    void freshTensorsAreZeroAndHostCopiesConvert() {
        EmulatedGpu gpu = new EmulatedGpu(4);
        try (CudaBackend b = new CudaBackend(gpu, CudaOptions.defaults(), null)) {
            // Larger than the staging buffer, so the copies go in chunks.
            int n = (int) (CudaBackend.STAGING_BYTES / 4) + 1000;
            try (Tensor t = b.zeros(DType.FLOAT64, 1, n)) {
                double[] zeros = b.toHostDoubles(t);
                for (double z : zeros) {
                    assertEquals(0.0, z);
                }
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = i * 0.5f;
                }
                b.copyFromHost(f, t);
                double[] back = b.toHostDoubles(t);
                for (int i = 0; i < n; i += 997) {
                    assertEquals(i * 0.5, back[i]);
                }
                int[] argmax = new int[1];
                b.rowArgmax(t, argmax);
                assertEquals(n - 1, argmax[0]);
            }
        }
    }
}
