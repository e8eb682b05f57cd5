package dev.nabla.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options for creating a backend. {@code threads} is common to all backends (0 means the backend's
 * default); anything else is a backend-specific key, documented by that backend.
 *
 * <p>When an option is not set, {@link #threads()} falls back to the system property
 * {@code nabla.threads}, then the environment variable {@code NABLA_THREADS}.
 */
public final class BackendOptions {
    private static final BackendOptions DEFAULTS = new BackendOptions(0, Map.of());

    private final int threads;
    private final Map<String, String> extra;

    private BackendOptions(int threads, Map<String, String> extra) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = the backend's default), got " + threads);
        }
        this.threads = threads;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public static BackendOptions defaults() {
        return DEFAULTS;
    }

    public BackendOptions withThreads(int threads) {
        return new BackendOptions(threads, extra);
    }

    public BackendOptions with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(extra);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new BackendOptions(threads, copy);
    }

    /**
     * The thread count asked for: the option if set, else {@code -Dnabla.threads}, else
     * {@code NABLA_THREADS}, else 0 (the backend's default).
     */
    public int threads() {
        if (threads > 0) {
            return threads;
        }
        String configured = System.getProperty("nabla.threads");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("NABLA_THREADS");
        }
        if (configured == null || configured.isBlank()) {
            return 0;
        }
        try {
            int parsed = Integer.parseInt(configured.trim());
            if (parsed < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nabla.threads / NABLA_THREADS must be a non-negative integer, got '"
                    + configured + "'");
        }
    }

    /** A backend-specific option, or null. */
    public String get(String key) {
        return extra.get(key);
    }

    public Map<String, String> extra() {
        return extra;
    }

    @Override
    public String toString() {
        return "threads=" + (threads == 0 ? "default" : threads) + (extra.isEmpty() ? "" : " " + extra);
    }
}
