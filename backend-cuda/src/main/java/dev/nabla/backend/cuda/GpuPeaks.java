package dev.nabla.backend.cuda;

/**
 * A GPU's peak FMA rates without tensor cores, the denominators of the GEMM benchmark's "% of
 * peak": SMs x FMA lanes per SM x 2 flops x clock. Lanes per SM by compute capability, from
 * NVIDIA's architecture documents: FP32 64 on Turing (7.5) and A100 (8.0), 128 from 8.6 on;
 * FP64 32 on A100, 64 on Hopper (9.0) and Blackwell data-centre parts (10.x), 2 on the consumer
 * and workstation chips. An H100/H200 SXM (132 SMs, 1.98 GHz) comes to 66.9 TFLOP/s in float32
 * and 33.5 in float64.
 *
 * <p>Internal to the {@code cuda} backend: public only because its Java 22 half (package
 * {@code dev.nabla.backend.cuda.ffm}) uses it. Not a stable API.
 */
public final class GpuPeaks {
    private GpuPeaks() {
    }

    /**
     * FP32 FMA lanes per SM.
     *
     * @param major the compute capability's major part
     * @param minor its minor part
     * @return 64 on 7.x and 8.0, else 128
     */
    public static int fp32Lanes(int major, int minor) {
        if (major == 7 || (major == 8 && minor == 0)) {
            return 64;
        }
        return 128;
    }

    /**
     * FP64 FMA lanes per SM.
     *
     * @param major the compute capability's major part
     * @param minor its minor part
     * @return 32 on 8.0, 64 on 9.x and 10.x, else 2
     */
    public static int fp64Lanes(int major, int minor) {
        if (major == 8 && minor == 0) {
            return 32;
        }
        if (major == 9 || major == 10) {
            return 64;
        }
        return 2;
    }

    /**
     * Peak flop/s of one dtype: 2 x lanes x SMs x clock.
     *
     * @param float64 whether for float64 (else float32)
     * @param major the compute capability's major part
     * @param minor its minor part
     * @param sms the number of SMs
     * @param clockHz the SM clock in Hz
     * @return the peak in flop/s
     */
    public static double peakFlops(boolean float64, int major, int minor, int sms, double clockHz) {
        int lanes = float64 ? fp64Lanes(major, minor) : fp32Lanes(major, minor);
        return 2.0 * lanes * sms * clockHz;
    }
}
