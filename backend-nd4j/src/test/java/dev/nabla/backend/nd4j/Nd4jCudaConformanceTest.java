package dev.nabla.backend.nd4j;

import dev.nabla.conformance.BackendConformanceTest;
import dev.nabla.spi.Availability;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The `nd4j-cuda` backend against the conformance suite, unchanged: runs in a -Pcuda build on a GPU
 * the nd4j-cuda kernels support, and is skipped, with the provider's reason, anywhere else.
 */
class Nd4jCudaConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        Availability a = Backends.installed().provider(Nd4jCudaProvider.ID).availability();
        assumeTrue(a.isAvailable(), "nd4j-cuda unavailable: " + a.reason());
        return Backends.create(Nd4jCudaProvider.ID);
    }
}
