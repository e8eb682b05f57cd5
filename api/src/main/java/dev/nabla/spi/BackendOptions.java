package dev.nabla.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options for creating a backend, passed to {@link Backends#create(String, BackendOptions)} or
 * {@link BackendProvider#create}. {@code threads} is common to all backends (0 means the backend's
 * default); anything else is a backend-specific key, documented by that backend (e.g. {@code nd4j}'s
 * {@code blas-threads}, {@code cuda}'s {@code gemm}). A backend that does not know a key may ignore
 * it or refuse it.
 *
 * <p>When an option is not set, {@link #threads()} falls back to the system property
 * {@code nabla.threads}, then the environment variable {@code NABLA_THREADS}.
 *
 * <p>Immutable: {@link #withThreads} and {@link #with} return new instances, so a value may be
 * shared between threads.
 * <pre>{@code
 * Backend b = Backends.installed().create("cpu", BackendOptions.defaults().withThreads(4));
 * }</pre>
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

    /** More threads per core than this only cost memory and switching: refused by {@link #checkThreads}. */
    public static final int MAX_THREADS_PER_CORE = 8;

    /**
     * The most threads a backend may be asked for: {@value #MAX_THREADS_PER_CORE} per core of this
     * machine ({@link Runtime#availableProcessors()}, read on each call).
     *
     * @return the largest accepted thread count
     */
    public static int maxThreads() {
        return MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    /**
     * Refuses a thread count above {@link #maxThreads()} before any thread is started; for backends
     * that read thread counts of their own.
     *
     * @param what names where the number came from (an option, a property), first in the message
     * @param threads the requested count
     * @throws IllegalArgumentException if {@code threads} exceeds {@link #maxThreads()}
     */
    public static void checkThreads(String what, int threads) {
        if (threads > maxThreads()) {
            int cores = Runtime.getRuntime().availableProcessors();
            throw new IllegalArgumentException(what + " " + threads + ": more than the " + maxThreads() + " threads ("
                    + MAX_THREADS_PER_CORE + " per core) that this machine's " + cores + " core" + (cores == 1 ? "" : "s")
                    + " can use; each thread costs memory for its stack");
        }
    }

    /**
     * No options: the backend's default threads (after {@code nabla.threads} and
     * {@code NABLA_THREADS}) and no backend-specific keys.
     *
     * @return the shared empty options
     */
    public static BackendOptions defaults() {
        return DEFAULTS;
    }

    /**
     * These options with another thread count.
     *
     * @param threads the number of threads the backend computes with; 0 for its default
     * @return new options; this instance is unchanged
     * @throws IllegalArgumentException if {@code threads} is negative or above {@link #maxThreads()}
     */
    public BackendOptions withThreads(int threads) {
        return new BackendOptions(threads, extra);
    }

    /**
     * These options with a backend-specific key set (replacing an earlier value of the key).
     *
     * @param key the option's name, as the backend documents it
     * @param value its value, as text
     * @return new options; this instance is unchanged
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public BackendOptions with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(extra);
        copy.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new BackendOptions(threads, copy);
    }

    /**
     * The thread count asked for: the option if set, else {@code -Dnabla.threads}, else
     * {@code NABLA_THREADS}, else 0 (the backend's default). The property and the variable are read
     * on each call.
     *
     * @return the thread count, or 0 for the backend's default
     * @throws IllegalArgumentException if the property or variable is not a non-negative integer,
     *     or exceeds {@link #maxThreads()}
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

    /**
     * A backend-specific option. System properties and environment variables are not consulted
     * here; backends that offer them do so themselves.
     *
     * @param key the option's name
     * @return its value, or null if not set
     */
    public String get(String key) {
        return extra.get(key);
    }

    /**
     * All backend-specific options, in the order they were first set.
     *
     * @return an unmodifiable map from key to value
     */
    public Map<String, String> extra() {
        return extra;
    }

    @Override
    public String toString() {
        return "threads=" + (threads == 0 ? "default" : threads) + (extra.isEmpty() ? "" : " " + extra);
    }
}
