package dev.nabla.backend.cuda;

import dev.nabla.spi.Availability;
import dev.nabla.tensor.Backend;

/**
 * What the Java 22 half of the module ({@code dev.nabla.backend.cuda.ffm.CudaRuntime}, built from
 * src/main/java22) offers the Java 17 provider. The provider loads it by name, and only on a JVM of
 * version 22 or newer, so the module's jar is harmless on Java 17.
 */
public interface CudaBridge {
    /** Whether the GPU of {@code options.device()} can run the backend, and if not why; never throws. */
    Availability probe(CudaOptions options);

    /** A new backend instance on that GPU. */
    Backend create(CudaOptions options);
}
