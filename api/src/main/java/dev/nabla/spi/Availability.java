package dev.nabla.spi;

import java.util.Objects;

/**
 * Whether a backend can run here, and if not, why (shown by {@code nabla backends}). An unavailable
 * backend is either misconfigured (e.g. a JVM flag is missing: worth a warning when the default
 * falls back past it) or {@linkplain #absent absent} (not part of this installation or hardware,
 * e.g. no GPU: nothing to warn about). Immutable.
 *
 * @see BackendProvider#availability()
 * @see Backends#fallbackWarnings(String)
 */
public final class Availability {
    private static final Availability AVAILABLE = new Availability(true, false, "");

    private final boolean available;
    private final boolean absent;
    private final String reason;

    private Availability(boolean available, boolean absent, String reason) {
        this.available = available;
        this.absent = absent;
        this.reason = reason;
    }

    /**
     * The backend can run here.
     *
     * @return the shared "available" value, with an empty reason
     */
    public static Availability available() {
        return AVAILABLE;
    }

    /**
     * Cannot run here although it could: something is misconfigured, as {@code reason} says. The
     * default backend's choice warns when it falls back past such a backend.
     *
     * @param reason one line saying what is wrong and, where possible, how to fix it
     * @return an unavailable, not absent, value
     * @throws NullPointerException if {@code reason} is null
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, false, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Cannot run here because what it needs is not part of this machine or build (no GPU, not
     * packaged): nothing to warn about.
     *
     * @param reason one line saying what is missing
     * @return an unavailable, absent value
     * @throws NullPointerException if {@code reason} is null
     */
    public static Availability absent(String reason) {
        return new Availability(false, true, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Whether the backend is unavailable because what it needs is absent, rather than misconfigured.
     *
     * @return true only for values made by {@link #absent(String)}
     */
    public boolean isAbsent() {
        return absent;
    }

    /**
     * Whether the backend can run here.
     *
     * @return true only for {@link #available()}
     */
    public boolean isAvailable() {
        return available;
    }

    /**
     * Why the backend cannot run; empty when it can.
     *
     * @return the reason, never null
     */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return available ? "available" : "unavailable: " + reason;
    }
}
