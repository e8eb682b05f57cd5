package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.SyntheticTeacher;
import dev.nabla.nn.EpochStats;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.nn.Sgd;
import dev.nabla.nn.Trainer;
import dev.nabla.nn.TrainingConfig;
import dev.nabla.nn.TrainingListener;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Trains a network by mini-batch SGD, printing one line per epoch. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a dense sigmoid network by mini-batch SGD. With no options: a seeded synthetic "
                + "teacher network labels random inputs and a student network learns them.")
final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--backend", description = "Backend id (default: the best available; see `nabla backends`).")
    String backendId;

    @Option(names = "--threads", defaultValue = "0",
            description = "Threads for backends that use several (default: all cores).")
    int threads;

    @Option(names = "--dtype", converter = Converters.DTypeConverter.class, defaultValue = "float32",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--layers", defaultValue = "8,16,4",
            description = "Layer sizes: input, hidden..., output (default: ${DEFAULT-VALUE}).")
    String layersText;

    @Option(names = "--loss", converter = Converters.LossConverter.class, defaultValue = "mse",
            description = "mse or bce (default: ${DEFAULT-VALUE}).")
    Loss loss;

    @Option(names = "--lr", defaultValue = "2.0", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum in [0, 1) (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--batch", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the initial weights, the shuffle and the synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-shuffle", description = "Visit the rows in file order every epoch.")
    boolean noShuffle;

    @Option(names = "--samples", defaultValue = "20000",
            description = "Rows of synthetic data (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int[] layers = LayerSizes.parse(layersText);
        if (samples <= 0) {
            throw new IllegalArgumentException("--samples must be positive, got " + samples);
        }
        TrainingConfig config = new TrainingConfig(loss, batch, epochs, !noShuffle, seed);
        Sgd sgd = new Sgd(learningRate, momentum);
        Dataset data = SyntheticTeacher.generate(seed, samples, teacherSizes(layers));
        Backends backends = Backends.installed();
        BackendOptions options = BackendOptions.defaults().withThreads(threads);
        try (Backend backend = backendId == null ? backends.createDefault(options) : backends.create(backendId, options);
             Network net = new Network(backend, dtype, Parameters.xavierUniform(seed, layers));
             sgd) {
            out.printf(Locale.ROOT, "training %s on %s (%s), %s loss, lr %s, momentum %s, batch %d, %d epochs%n",
                    LayerSizes.format(layers), backend.description(), dtype, loss, learningRate, momentum, batch, epochs);
            out.printf(Locale.ROOT, "data: %d rows labelled by a synthetic teacher network %s%n",
                    data.rows(), LayerSizes.format(teacherSizes(layers)));
            out.flush();
            TrainingListener printer = new TrainingListener() {
                @Override
                public void onEpochEnd(EpochStats s) {
                    out.printf(Locale.ROOT, "epoch %3d/%d  loss %.6f  %,.0f samples/s%n",
                            s.epoch() + 1, epochs, s.loss(), s.samplesPerSecond());
                    out.flush();
                }
            };
            new Trainer(config).fit(net, sgd, data, printer);
        }
        return Nabla.EXIT_OK;
    }

    /** The teacher has the student's inputs and outputs but its own hidden width (seed 001's set-up). */
    static int[] teacherSizes(int[] student) {
        int hidden = Math.max(2, (student[0] + student[student.length - 1]) / 2 + 1);
        return new int[] {student[0], hidden, student[student.length - 1]};
    }
}
