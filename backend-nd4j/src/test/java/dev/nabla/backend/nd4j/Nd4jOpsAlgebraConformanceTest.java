package dev.nabla.backend.nd4j;

import dev.nabla.conformance.BackendConformanceTest;
import dev.nabla.tensor.Backend;

/**
 * The ND4J-ops algebra (the one nd4j-cuda uses) against the conformance suite on nd4j-native, so
 * that code path is tested on every build, GPU or not.
 */
class Nd4jOpsAlgebraConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        Flavour.assumeNative();
        Nd4jRuntime.load();
        return new Nd4jBackend(Nd4jProvider.ID, "nd4j through ND4J ops (test)", new Nd4jOpsAlgebra());
    }
}
