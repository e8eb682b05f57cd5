package dev.nabla.backend.reference;

import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.BackendProvider;
import dev.nabla.tensor.Backend;

/**
 * The {@code reference} backend: plain scalar loops, single-threaded, the oracle. Always available;
 * ignores every option (including the thread count).
 */
public final class ReferenceProvider implements BackendProvider {
    /** Made by {@link java.util.ServiceLoader}, which needs a public no-argument constructor. */
    public ReferenceProvider() {
    }

    /** The backend's id: {@value}. */
    public static final String ID = "reference";

    @Override
    public String id() {
        return ID;
    }

    /** Lowest of the built-in backends: it is the oracle, never the fast path. */
    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String description() {
        return "plain scalar Java, single-threaded: the oracle every backend is checked against";
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    /** A new {@link ReferenceBackend}; the options are ignored. */
    @Override
    public Backend create(BackendOptions options) {
        return new ReferenceBackend();
    }
}
