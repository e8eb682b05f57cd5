package dev.nabla.backend.cuda;

import dev.nabla.spi.Availability;
import dev.nabla.tensor.Backend;

/**
 * What the Java 22 half of the module ({@code dev.nabla.backend.cuda.ffm.CudaRuntime}, built from
 * src/main/java22) offers the Java 17 provider. The provider loads it by name, and only on a JVM of
 * version 22 or newer, so the module's jar is harmless on Java 17.
 *
 * <p>Internal to the {@code cuda} backend: public only because its Java 22 half (package
 * {@code dev.nabla.backend.cuda.ffm}) uses it. Not a stable API.
 */
public interface CudaBridge {
    /**
     * Whether the GPU of {@code options.device()} can run the backend, and if not why; never throws.
     *
     * @param options the parsed options; {@code device} names the GPU
     * @return the availability, with the reason when unavailable
     */
    Availability probe(CudaOptions options);

    /**
     * A new backend instance on that GPU; the caller must close it.
     *
     * @param options the parsed options
     * @return a new open backend
     */
    Backend create(CudaOptions options);
}
