package dev.nabla.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GpuPeaksTest {
    @Test
    void publishedPeaks() {
        // H100 SXM: 132 SMs at 1.98 GHz: 66.9 TFLOP/s FP32, 33.5 FP64 (NVIDIA: 67 and 34).
        assertEquals(66.9e12, GpuPeaks.peakFlops(false, 9, 0, 132, 1.98e9), 0.1e12);
        assertEquals(33.5e12, GpuPeaks.peakFlops(true, 9, 0, 132, 1.98e9), 0.1e12);
        // A100 SXM: 108 SMs at 1.41 GHz: 19.5 FP32, 9.7 FP64.
        assertEquals(19.5e12, GpuPeaks.peakFlops(false, 8, 0, 108, 1.41e9), 0.1e12);
        assertEquals(9.7e12, GpuPeaks.peakFlops(true, 8, 0, 108, 1.41e9), 0.1e12);
        // RTX 4090: 128 SMs at 2.52 GHz: 82.6 FP32, 1/64 of that in FP64.
        assertEquals(82.6e12, GpuPeaks.peakFlops(false, 8, 9, 128, 2.52e9), 0.1e12);
        assertEquals(82.6e12 / 64, GpuPeaks.peakFlops(true, 8, 9, 128, 2.52e9), 0.01e12);
        // T4 (Turing): 40 SMs at 1.59 GHz: 8.1 FP32.
        assertEquals(8.1e12, GpuPeaks.peakFlops(false, 7, 5, 40, 1.59e9), 0.1e12);
    }
}
