package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaOptions;
import dev.nabla.conformance.BackendConformanceTest;
import dev.nabla.tensor.Backend;

/**
 * The whole conformance suite on the `cuda` backend with the kernels run by the host emulator
 * (g++ build of the same CUDA source): the backend's Java code, its launch geometry and argument
 * packing, and every kernel's arithmetic, without a GPU. 8 SMs, so the GEMM planner picks the large
 * tile for the bigger products and split-K for the long ones as on a small GPU.
 */
class EmulatedConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return new CudaBackend(new EmulatedGpu(8), CudaOptions.defaults(), null);
    }
}
