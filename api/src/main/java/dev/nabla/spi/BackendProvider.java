package dev.nabla.spi;

import dev.nabla.tensor.Backend;

/**
 * The service a backend module registers in {@code META-INF/services/dev.nabla.spi.BackendProvider}.
 * Providers are cheap to construct: loading native code or probing hardware happens in
 * {@link #availability()} (once, cached by the provider) or {@link #create}. {@link Backends} finds
 * them with {@link java.util.ServiceLoader}, so an implementation needs a public no-argument
 * constructor. Providers are shared and may be called from several threads.
 */
public interface BackendProvider {
    /**
     * Short lowercase id used on the command line and in {@code nabla.backend}, e.g. {@code cpu};
     * unique among the installed providers.
     *
     * @return the id, which the backends it creates report as {@link Backend#id()}
     */
    String id();

    /**
     * Among available backends the highest priority is the default. The built-in ones:
     * {@code cuda} 150, {@code cpu} 100, {@code nd4j-cuda} 60, {@code nd4j} 50, {@code reference} 10.
     *
     * @return the priority; higher wins
     */
    int priority();

    /**
     * One line saying what this backend is, for {@code nabla backends}.
     *
     * @return the description
     */
    String description();

    /**
     * Whether this backend can run in this JVM on this machine, and if not why; never throws.
     *
     * @return the availability, with its reason
     */
    Availability availability();

    /**
     * A new, independent backend instance; the caller owns it and must close it.
     *
     * @param options thread count and backend-specific options; {@link BackendOptions#defaults()}
     *     for none
     * @return a new open backend
     * @throws IllegalStateException if the backend cannot run here, with the unavailability reason
     * @throws IllegalArgumentException if an option is invalid
     */
    Backend create(BackendOptions options);
}
