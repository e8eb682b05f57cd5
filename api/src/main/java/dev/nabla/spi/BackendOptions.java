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
        checkThreads("threads", threads);
        this.threads = threads;
        this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** More threads per core than this only cost memory and switching: refused. */
    public static final int MAX_THREADS_PER_CORE = 8;

    /** The most threads a backend may be asked for: {@value #MAX_THREADS_PER_CORE} per core of this machine. */
    public static int maxThreads() {
        return MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    /**
     * Refuses a thread count above {@link #maxThreads()} before any thread is started; {@code what}
     * names where the number came from (an option, a property).
     */
    public static void checkThreads(String what, int threads) {
        if (threads > maxThreads()) {
            int cores = Runtime.getRuntime().availableProcessors();
            throw new IllegalArgumentException(what + " " + threads + ": more than the " + maxThreads() + " threads ("
                    + MAX_THREADS_PER_CORE + " per core) that this machine's " + cores + " core" + (cores == 1 ? "" : "s")
                    + " can use; each thread costs memory for its stack");
        }
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
            checkThreads("nabla.threads / NABLA_THREADS", parsed);
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("nabla.threads / NABLA_THREADS must be a non-negative integer, got '"
                    + configured.replaceAll("[^\\x20-\\x7e]", "?") + "'");
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
