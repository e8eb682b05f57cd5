package dev.nabla.backend.cpu;

import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.BackendProvider;
import dev.nabla.tensor.Backend;

/**
 * The {@code cpu} backend: pure Java on the Vector API, all cores. It needs the incubator module
 * {@code jdk.incubator.vector} on the JVM's module graph ({@code --add-modules=jdk.incubator.vector});
 * without it the provider reports itself unavailable instead of failing on first use.
 */
public final class CpuProvider implements BackendProvider {
    /** Made by {@link java.util.ServiceLoader}, which needs a public no-argument constructor. */
    public CpuProvider() {
    }

    /** The backend's id: {@value}. */
    public static final String ID = "cpu";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    @Override
    public String id() {
        return ID;
    }

    /** The default wherever it can run: the fastest backend that needs nothing outside the JVM. */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public String description() {
        return "pure Java: Vector API SIMD kernels, packed cache-blocked GEMM, fused dense layers, all cores";
    }

    @Override
    public Availability availability() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return Availability.unavailable("the JVM was started without the Vector API module: add "
                    + "--add-modules=" + VECTOR_MODULE + " to its options (./nabla, the tests and the benchmarks do)");
        }
        return Availability.available();
    }

    /**
     * A new backend with a pool of worker threads, which {@link Backend#close()} stops. Threads: the
     * option / -Dnabla.threads / NABLA_THREADS, or every available processor; the results are the
     * same bits for every thread count. Backend-specific options are ignored.
     */
    @Override
    public Backend create(BackendOptions options) {
        Availability availability = availability();
        if (!availability.isAvailable()) {
            throw new IllegalStateException("backend 'cpu' is unavailable: " + availability.reason());
        }
        int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
        return new CpuBackend(threads, Blocking.FLOAT, Blocking.DOUBLE);
    }
}
