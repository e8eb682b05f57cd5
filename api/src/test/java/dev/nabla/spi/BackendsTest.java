package dev.nabla.spi;

import dev.nabla.tensor.Backend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendsTest {
    /** A provider that never creates anything: the registry logic is what is under test. */
    private static BackendProvider provider(String id, int priority, Availability availability) {
        return new BackendProvider() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public String description() {
                return "fake " + id;
            }

            @Override
            public Availability availability() {
                return availability;
            }

            @Override
            public Backend create(BackendOptions options) {
                throw new UnsupportedOperationException("fake provider " + id);
            }
        };
    }

    private final Backends registry = new Backends(List.of(
            provider("slow", 10, Availability.available()),
            provider("gpu", 100, Availability.unavailable("no CUDA device")),
            provider("fast", 50, Availability.available())));

    @AfterEach
    void clearProperty() {
        System.clearProperty(Backends.BACKEND_PROPERTY);
    }

    @Test
    void theDefaultWarnsOfAMisconfiguredBetterBackendButNotOfAnAbsentOne() {
        Backends withMissingFlag = new Backends(List.of(
                provider("slow", 10, Availability.available()),
                provider("simd", 100, Availability.unavailable("the JVM was started without --add-modules=x")),
                provider("gpu", 200, Availability.absent("no GPU"))));
        assertEquals("slow", withMissingFlag.defaultId());
        assertEquals(List.of("nabla: backend 'simd' is unavailable (the JVM was started without --add-modules=x); "
                + "using 'slow'"), withMissingFlag.fallbackWarnings("slow"));
        assertEquals(List.of("nabla: backend 'gpu' is unavailable (no CUDA device); using 'fast'"),
                registry.fallbackWarnings("fast"));
        assertTrue(Availability.absent("no GPU").isAbsent() && !Availability.absent("no GPU").isAvailable());
    }

    @Test
    void anEmptyClassPathNamesTheShadingPitfall() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Backends(List.of()).defaultId());
        assertTrue(e.getMessage().contains("ServicesResourceTransformer"), e.getMessage());
    }

    @Test
    void listsProvidersByPriorityAndAvailableIds() {
        assertEquals(List.of("gpu", "fast", "slow"), registry.providers().stream().map(BackendProvider::id).toList());
        assertEquals(List.of("fast", "slow"), registry.availableIds());
    }

    @Test
    void defaultIsTheHighestPriorityAvailableProvider() {
        assertEquals("fast", registry.defaultId());
    }

    @Test
    void systemPropertyOverridesTheDefault() {
        System.setProperty(Backends.BACKEND_PROPERTY, "slow");
        assertEquals("slow", registry.defaultId());
        System.setProperty(Backends.BACKEND_PROPERTY, "nope");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, registry::defaultId);
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void unknownIdListsTheAvailableBackends() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.create("cuda", BackendOptions.defaults()));
        assertTrue(e.getMessage().contains("unknown backend 'cuda'") && e.getMessage().contains("[fast, slow]"),
                e.getMessage());
    }

    @Test
    void unavailableBackendSaysWhy() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.create("gpu", BackendOptions.defaults()));
        assertTrue(e.getMessage().contains("no CUDA device"), e.getMessage());
    }

    @Test
    void duplicateIdsAreRejected() {
        assertThrows(IllegalStateException.class, () -> new Backends(List.of(
                provider("a", 1, Availability.available()), provider("a", 2, Availability.available()))));
    }

    @Test
    void noAvailableBackendIsExplained() {
        Backends none = new Backends(List.of(provider("gpu", 1, Availability.unavailable("no GPU"))));
        IllegalStateException e = assertThrows(IllegalStateException.class, none::defaultId);
        assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
    }

    @Test
    void threadOptionFallsBackToTheSystemProperty() {
        assertEquals(3, BackendOptions.defaults().withThreads(3).threads());
        System.setProperty("nabla.threads", "5");
        try {
            assertEquals(5, BackendOptions.defaults().threads());
            assertEquals(2, BackendOptions.defaults().withThreads(2).threads());
            System.setProperty("nabla.threads", "many");
            assertThrows(IllegalArgumentException.class, () -> BackendOptions.defaults().threads());
        } finally {
            System.clearProperty("nabla.threads");
        }
        assertThrows(IllegalArgumentException.class, () -> BackendOptions.defaults().withThreads(-1));
    }

    @Test
    void threadsAreCappedAtASaneMultipleOfTheCores() {
        int max = BackendOptions.maxThreads();
        assertEquals(BackendOptions.MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors(), max);
        assertEquals(max, BackendOptions.defaults().withThreads(max).threads());
        for (int n : new int[] {max + 1, 10_000, 1_000_000}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BackendOptions.defaults().withThreads(n));
            assertTrue(e.getMessage().startsWith("threads " + n + ": more than the " + max + " threads"), e.getMessage());
        }
        System.setProperty("nabla.threads", "1000000");
        try {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> BackendOptions.defaults().threads())
                    .getMessage().startsWith("nabla.threads / NABLA_THREADS 1000000: more than"));
        } finally {
            System.clearProperty("nabla.threads");
        }
    }
}
