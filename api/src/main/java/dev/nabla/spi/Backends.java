package dev.nabla.spi;

import dev.nabla.tensor.Backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The entry point to the backends on the class path: lists them, creates one by id, or picks the
 * default. The default is the available provider of highest priority, unless the system property
 * {@code nabla.backend} or the environment variable {@code NABLA_BACKEND} names one.
 *
 * <p>Providers are found with {@link ServiceLoader} in {@code META-INF/services}. A fat jar must keep
 * those files merged (the shade plugin's {@code ServicesResourceTransformer}); otherwise backends
 * silently go missing. When the default falls back past a backend that cannot run here (e.g.
 * {@code cpu} in a JVM started without {@code --add-modules=jdk.incubator.vector}), it logs one
 * warning line saying which and why, through {@link System.Logger} (logger {@code dev.nabla.spi}).
 * Thread-safe.
 */
public final class Backends {
    /** The system property naming the default backend's id: {@value}. */
    public static final String BACKEND_PROPERTY = "nabla.backend";
    /** The environment variable naming the default backend's id when the property is not set: {@value}. */
    public static final String BACKEND_ENV = "NABLA_BACKEND";

    private static final System.Logger LOG = System.getLogger("dev.nabla.spi");
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static volatile Backends installed;

    private final List<BackendProvider> providers;

    /**
     * A registry over the given providers (tests use this; applications use the static methods or
     * {@link #installed()}).
     *
     * @param providers the providers, in any order; copied
     * @throws IllegalStateException if two providers share an id
     */
    public Backends(List<BackendProvider> providers) {
        List<BackendProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparingInt(BackendProvider::priority).reversed()
                .thenComparing(BackendProvider::id));
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i + 1; j < sorted.size(); j++) {
                if (sorted.get(i).id().equals(sorted.get(j).id())) {
                    throw new IllegalStateException("two backend providers share the id '" + sorted.get(i).id()
                            + "': " + sorted.get(i).getClass().getName() + " and " + sorted.get(j).getClass().getName());
                }
            }
        }
        this.providers = List.copyOf(sorted);
    }

    /**
     * The providers found by {@link ServiceLoader} on the class path, with this class's class
     * loader; loaded once per JVM and shared.
     *
     * @return the registry of installed providers
     * @throws IllegalStateException if two installed providers share an id
     */
    public static Backends installed() {
        Backends result = installed;
        if (result == null) {
            synchronized (Backends.class) {
                result = installed;
                if (result == null) {
                    List<BackendProvider> found = new ArrayList<>();
                    ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(found::add);
                    result = new Backends(found);
                    installed = result;
                }
            }
        }
        return result;
    }

    /**
     * Every provider, highest priority first (ties by id), available or not.
     *
     * @return an unmodifiable list of the providers
     */
    public List<BackendProvider> providers() {
        return providers;
    }

    /**
     * The ids of the available providers, highest priority first. Asks each provider for its
     * availability, which may probe hardware on the first call.
     *
     * @return the ids of the providers that can run here
     */
    public List<String> availableIds() {
        return providers.stream().filter(p -> p.availability().isAvailable())
                .map(BackendProvider::id).collect(Collectors.toList());
    }

    /**
     * The provider with this id (surrounding white space ignored), available or not.
     *
     * @param id the provider's id
     * @return the provider
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalArgumentException if no provider has this id; the message lists the known ids
     */
    public BackendProvider provider(String id) {
        Objects.requireNonNull(id, "backend id");
        String wanted = id.trim();
        for (BackendProvider p : providers) {
            if (p.id().equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + id + "': available backends are "
                + availableIds() + (providers.size() > availableIds().size()
                ? " (all known: " + providers.stream().map(BackendProvider::id).collect(Collectors.toList()) + ")" : ""));
    }

    /**
     * A new backend instance of the given id; the caller owns it and must close it.
     *
     * @param id the provider's id
     * @param options the options to create it with
     * @return a new open backend
     * @throws IllegalArgumentException if no provider has this id, or an option is invalid
     * @throws IllegalStateException if that backend cannot run here, with the reason
     */
    public Backend create(String id, BackendOptions options) {
        BackendProvider provider = provider(id);
        Availability availability = provider.availability();
        if (!availability.isAvailable()) {
            throw new IllegalStateException("backend '" + provider.id() + "' is unavailable: " + availability.reason());
        }
        return provider.create(options);
    }

    /**
     * The id {@link #createDefault} would use: the one {@code -Dnabla.backend} names, else the one
     * {@code NABLA_BACKEND} names, else that of the available provider of highest priority. A named
     * backend is returned even if it cannot run here ({@link #create} then says why).
     *
     * @return the default backend's id
     * @throws IllegalArgumentException if the property or variable names an unknown backend
     * @throws IllegalStateException if nothing is named and no provider is available (the message
     *     says whether none was found at all, and mentions the shade plugin's transformer)
     */
    public String defaultId() {
        String chosen = System.getProperty(BACKEND_PROPERTY);
        if (chosen == null || chosen.isBlank()) {
            chosen = System.getenv(BACKEND_ENV);
        }
        if (chosen != null && !chosen.isBlank()) {
            return provider(chosen).id();
        }
        List<String> available = availableIds();
        if (available.isEmpty()) {
            if (providers.isEmpty()) {
                throw new IllegalStateException("no backend is available: no provider was found on the class path (add "
                        + "a backend such as nabla-backend-cpu; in a shaded jar, merge META-INF/services with the shade "
                        + "plugin's ServicesResourceTransformer)");
            }
            throw new IllegalStateException("no backend is available: known providers are "
                    + providers.stream().map(p -> p.id() + " (" + p.availability() + ")").collect(Collectors.toList()));
        }
        return available.get(0);
    }

    /**
     * One line per provider that ranks above {@code chosen} but is misconfigured here (not merely
     * {@linkplain Availability#absent absent}): what a default choice fell back past, and why.
     *
     * @param chosen the id of the backend chosen
     * @return the warning lines, highest priority first; empty when nothing better was skipped
     */
    public List<String> fallbackWarnings(String chosen) {
        List<String> lines = new ArrayList<>();
        for (BackendProvider p : providers) {
            if (p.id().equals(chosen)) {
                break;
            }
            Availability a = p.availability();
            if (!a.isAvailable() && !a.isAbsent()) {
                lines.add("nabla: backend '" + p.id() + "' is unavailable (" + a.reason() + "); using '" + chosen + "'");
            }
        }
        return lines;
    }

    /**
     * A new instance of the default backend ({@link #defaultId()}). When that is not the best
     * backend this library knows of, because a better one cannot run here, logs one warning per
     * skipped backend with its reason (once per JVM), unless it is merely absent here.
     *
     * @param options the options to create it with
     * @return a new open backend; the caller must close it
     * @throws IllegalArgumentException if {@code nabla.backend} or {@code NABLA_BACKEND} names an
     *     unknown backend, or an option is invalid
     * @throws IllegalStateException if no backend is available, or the one named cannot run here
     */
    public Backend createDefault(BackendOptions options) {
        String id = defaultId();
        for (String line : fallbackWarnings(id)) {
            if (WARNED.add(line)) {
                LOG.log(System.Logger.Level.WARNING, line);
            }
        }
        return create(id, options);
    }

    // Static shorthands over the installed providers.

    /**
     * A new instance of the installed backend with this id, with default options: shorthand for
     * {@code installed().create(id, BackendOptions.defaults())}.
     *
     * @param id the provider's id, e.g. {@code cpu}
     * @return a new open backend; the caller must close it
     * @throws IllegalArgumentException if no provider has this id
     * @throws IllegalStateException if that backend cannot run here, with the reason
     */
    public static Backend create(String id) {
        return installed().create(id, BackendOptions.defaults());
    }

    /**
     * A new instance of the default installed backend, with default options: shorthand for
     * {@code installed().createDefault(BackendOptions.defaults())}.
     *
     * @return a new open backend; the caller must close it
     * @throws IllegalArgumentException if {@code nabla.backend} or {@code NABLA_BACKEND} names an
     *     unknown backend
     * @throws IllegalStateException if no backend is available, or the one named cannot run here
     */
    public static Backend createDefault() {
        return installed().createDefault(BackendOptions.defaults());
    }
}
