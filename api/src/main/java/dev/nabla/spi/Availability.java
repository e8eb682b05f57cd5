package dev.nabla.spi;

import java.util.Objects;

/**
 * Whether a backend can run here, and if not, why (shown by {@code nabla backends}). An unavailable
 * backend is either misconfigured (e.g. a JVM flag is missing: worth a warning when the default
 * falls back past it) or {@linkplain #absent absent} (not part of this installation or hardware,
 * e.g. no GPU: nothing to warn about).
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

    public static Availability available() {
        return AVAILABLE;
    }

    /** Cannot run here although it could: something is misconfigured, as {@code reason} says. */
    public static Availability unavailable(String reason) {
        return new Availability(false, false, Objects.requireNonNull(reason, "reason"));
    }

    /** Cannot run here because what it needs is not part of this machine or build (no GPU, not packaged). */
    public static Availability absent(String reason) {
        return new Availability(false, true, Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the backend is unavailable because what it needs is absent, rather than misconfigured. */
    public boolean isAbsent() {
        return absent;
    }

    public boolean isAvailable() {
        return available;
    }

    /** Why the backend cannot run; empty when it can. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return available ? "available" : "unavailable: " + reason;
    }
}
