package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaOptions;
import dev.nabla.backend.cuda.Fatbin;
import dev.nabla.conformance.BackendConformanceTest;
import dev.nabla.tensor.Backend;

import java.io.IOException;

/**
 * The conformance suite through the backend's real driver path: DriverGpu and the FFM bindings of
 * Driver, calling the fake libcuda (compiled against cuda.h) whose launches run the kernels in the
 * host emulator. The fake reports an H100's 132 SMs, so the GEMM planner takes its GPU-sized
 * decisions (small tiles and split-K for these small products).
 */
class FakeDriverConformanceTest extends BackendConformanceTest {
    private static boolean configured;

    @Override
    protected Backend createBackend() {
        synchronized (FakeDriverConformanceTest.class) {
            if (!configured) {
                FakeDriver.healthy(8L << 30);
                configured = true;
            }
        }
        try {
            return new CudaBackend(DriverGpu.open(FakeDriver.driver(), 0, Fatbin.packaged()), CudaOptions.defaults());
        } catch (DriverGpu.Unusable | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
