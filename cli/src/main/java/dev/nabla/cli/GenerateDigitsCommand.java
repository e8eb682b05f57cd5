package dev.nabla.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Writes the synthetic MNIST-format digits (see {@link SyntheticDigits}) for demonstrations and tests. */
@Command(name = "generate-digits", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a SYNTHETIC MNIST-format data set (stroke-drawn digits with random distortions and "
                + "noise, 28x28) under MNIST's file names: DIR/train-images-idx3-ubyte.gz, ..., t10k-labels-idx1-ubyte.gz. "
                + "A stand-in where the real MNIST cannot be downloaded; not MNIST.")
final class GenerateDigitsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write.")
    Path dir;

    @Option(names = "--train", defaultValue = "60000", description = "Training images (default: ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--test", defaultValue = "10000", description = "Test images (default: ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        if (train <= 0 || test <= 0) {
            throw new IllegalArgumentException("--train and --test must be positive");
        }
        int pixels = SyntheticDigits.SIZE * SyntheticDigits.SIZE;
        for (String option : new String[] {"--train", "--test"}) {
            int n = option.equals("--train") ? train : test;
            if ((long) n * pixels > dev.nabla.nn.LayerSizes.MAX_ARRAY) {
                throw new IllegalArgumentException(option + " " + n + ": at most "
                        + dev.nabla.nn.LayerSizes.MAX_ARRAY / pixels + " images of " + pixels + " pixels fit one IDX array");
            }
            // the images and labels, and as much again while one set is compressed and written
            dev.nabla.io.MemoryBudget.require(option + " " + n, "the images", 2L * n * (pixels + 1));
        }
        long start = System.nanoTime();
        SyntheticDigits.write(dir, train, test, seed);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "wrote %d training and %d test images of synthetic digits to %s (%.1f s)%n",
                train, test, dir, (System.nanoTime() - start) / 1e9);
        out.flush();
        return Nabla.EXIT_OK;
    }
}
