package dev.nabla.cli;

import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import picocli.CommandLine.Option;

/** Which backend a command runs on, and with how many threads (train, eval, predict, demo). */
final class BackendChoice {
    @Option(names = "--backend", paramLabel = "ID",
            description = "Backend id (default: the best available, or nabla.backend / NABLA_BACKEND; "
                    + "see `nabla backends`).")
    String id;

    @Option(names = "--threads", defaultValue = "0",
            description = "Threads for backends that use several (default: each backend's own, normally all cores).")
    int threads;

    /** Refuses a thread count no machine here can use, before anything is loaded or started. */
    void check() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be >= 0 (0 = the backend's default), got " + threads);
        }
        BackendOptions.checkThreads("--threads", threads);
    }

    /** The chosen backend, or the best available one when none was named. */
    Backend create() {
        check();
        Backends backends = Backends.installed();
        BackendOptions options = BackendOptions.defaults().withThreads(threads);
        return id == null ? backends.createDefault(options) : backends.create(id, options);
    }
}
