package dev.nabla.cli;

import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.Backends;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Lists every backend on the class path, whether it can run here, and why not. */
@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the backends: id, priority, availability (and why not), description.")
final class BackendsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Backends backends = Backends.installed();
        String defaultId;
        try {
            defaultId = backends.defaultId();
        } catch (RuntimeException e) {
            defaultId = "";
        }
        out.printf("%-11s %-8s %-11s %s%n", "BACKEND", "PRIORITY", "STATUS", "DESCRIPTION");
        for (BackendProvider p : backends.providers()) {
            Availability a = p.availability();
            String status = a.isAvailable() ? (p.id().equals(defaultId) ? "default" : "available") : "unavailable";
            out.printf("%-11s %-8d %-11s %s%n", p.id(), p.priority(), status, p.description());
            if (!a.isAvailable()) {
                out.printf("%-11s %-8s %-11s why: %s%n", "", "", "", a.reason());
            }
        }
        out.flush();
        return Nabla.EXIT_OK;
    }
}
