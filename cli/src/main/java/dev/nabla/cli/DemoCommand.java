package dev.nabla.cli;

import dev.nabla.seeds.Seed002;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Runs a seed tutorial's worked example through the API and prints what the tutorial prints. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a seed tutorial's example: seed002 (the 1-1-1 network of seed 002, 1000 epochs), "
                + "printing the same lines as its Python program.")
final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The example: seed002.")
    String name;

    @Mixin
    BackendChoice backendChoice;

    @Option(names = "--dtype", converter = Converters.DTypeConverter.class, defaultValue = "float64",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}; the seed's Python computes in float64).")
    DType dtype;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;

    @Override
    public Integer call() {
        if (!"seed002".equals(name)) {
            throw new IllegalArgumentException("unknown demo '" + name + "': available demos are [seed002]");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Backend backend = backendChoice.create()) {
            Seed002.run(backend, dtype, line -> {
                out.println(line);
                out.flush();
            });
        }
        return Nabla.EXIT_OK;
    }
}
