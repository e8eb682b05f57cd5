package dev.nabla.backend.cpu;

import dev.nabla.conformance.BackendConformanceTest;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;

/** The `cpu` backend, on all cores, against the conformance suite unchanged. */
class CpuConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return Backends.create("cpu");
    }
}
