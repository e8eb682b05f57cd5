package dev.nabla.spi;

import java.util.Objects;

/** Whether a backend can run here, and if not, why (shown by {@code nabla backends}). */
public final class Availability {
    private static final Availability AVAILABLE = new Availability(true, "");

    private final boolean available;
    private final String reason;

    private Availability(boolean available, String reason) {
        this.available = available;
        this.reason = reason;
    }

    public static Availability available() {
        return AVAILABLE;
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, Objects.requireNonNull(reason, "reason"));
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
