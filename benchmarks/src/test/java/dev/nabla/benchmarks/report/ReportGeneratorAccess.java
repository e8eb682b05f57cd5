package dev.nabla.benchmarks.report;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages call the generator without the System.exit of its main. */
public final class ReportGeneratorAccess {
    private ReportGeneratorAccess() {
    }

    public static Path run(String... args) throws IOException {
        return ReportGenerator.run(args);
    }
}
