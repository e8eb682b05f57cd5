package dev.nabla.spi;

import dev.nabla.tensor.Backend;

/**
 * The service a backend module registers in {@code META-INF/services/dev.nabla.spi.BackendProvider}.
 * Providers are cheap to construct: loading native code or probing hardware happens in
 * {@link #availability()} (once, cached by the provider) or {@link #create}.
 */
public interface BackendProvider {
    /** Short lowercase id used on the command line and in {@code nabla.backend}, e.g. {@code cpu}. */
    String id();

    /** Among available backends the highest priority is the default. */
    int priority();

    /** One line saying what this backend is. */
    String description();

    /** Whether this backend can run in this JVM on this machine; never throws. */
    Availability availability();

    /** A new, independent backend instance. Fails with the unavailability reason if it cannot run. */
    Backend create(BackendOptions options);
}
