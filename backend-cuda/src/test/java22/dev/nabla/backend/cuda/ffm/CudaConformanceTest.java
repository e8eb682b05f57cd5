package dev.nabla.backend.cuda.ffm;

import dev.nabla.conformance.BackendConformanceTest;
import dev.nabla.spi.Availability;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance suite on a real GPU, in both dtypes: the `cuda` backend as `nabla` creates it
 * (own GEMM). Where no usable GPU is present the whole class is skipped with the provider's reason.
 */
@ExtendWith(GpuCondition.class)
class CudaConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        Availability a = Backends.installed().provider("cuda").availability();
        assumeTrue(a.isAvailable(), "no usable GPU: " + a.reason());
        return Backends.create("cuda");
    }
}
