package dev.nabla.conformance;

import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;

/** The reference backend against float64 host math, finite differences and the seeds. */
class ReferenceConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        return Backends.create("reference");
    }
}
