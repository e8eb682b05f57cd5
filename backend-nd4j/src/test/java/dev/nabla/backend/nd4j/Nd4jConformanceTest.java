package dev.nabla.backend.nd4j;

import dev.nabla.conformance.BackendConformanceTest;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;

/** The `nd4j` backend (nd4j-native) against the conformance suite, unchanged. */
class Nd4jConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        Flavour.assumeNative();
        return Backends.create(Nd4jProvider.ID);
    }
}
