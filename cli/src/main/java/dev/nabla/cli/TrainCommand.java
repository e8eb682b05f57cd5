package dev.nabla.cli;

import dev.nabla.data.DataSource;
import dev.nabla.data.Dataset;
import dev.nabla.data.HoldOut;
import dev.nabla.data.IdxLoader;
import dev.nabla.io.MemoryBudget;
import dev.nabla.model.Checkpoint;
import dev.nabla.model.CheckpointDirectory;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.CheckpointDirectoryTakenException;
import dev.nabla.train.EpochReport;
import dev.nabla.train.Evaluation;
import dev.nabla.train.TrainingDivergedException;
import dev.nabla.train.TrainingException;
import dev.nabla.train.TrainingListener;
import dev.nabla.train.TrainingResult;
import dev.nabla.train.TrainingRun;
import dev.nabla.train.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nabla train}: maps the options onto a {@link TrainingRun} (which owns the epochs,
 * validation, checkpoints, resume, the JSON log and divergence) and renders its progress.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a dense sigmoid network by mini-batch SGD. With no options: a seeded synthetic "
                + "teacher network labels random inputs and a student network learns them.")
final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ParentCommand
    Nabla parent;

    @Option(names = "--data", paramLabel = "SOURCE", defaultValue = "synthetic",
            description = "synthetic (default), a CSV file, or idx:DIR[:train|test] (MNIST-style IDX files; the "
                    + "train split by default).")
    String data;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--val-fraction", paramLabel = "F",
            description = "Hold out a seeded random fraction F of the rows, evaluated after every epoch.")
    Double valFraction;

    @Option(names = "--val-data", paramLabel = "SOURCE",
            description = "A separate validation set (CSV or idx:DIR[:split]; the test split by default), "
                    + "evaluated after every epoch.")
    String valData;

    @Mixin
    BackendChoice backendChoice;

    @Option(names = "--dtype", converter = Converters.DTypeConverter.class, defaultValue = "float32",
            description = "float32 or float64 (default: ${DEFAULT-VALUE}); float64 also reads the data in float64.")
    DType dtype;

    @Option(names = "--layers", defaultValue = "8,16,4",
            description = "Layer sizes: input, hidden..., output (default: ${DEFAULT-VALUE}; with --model-in or "
                    + "--resume, the file's).")
    String layersText;

    @Option(names = "--loss", converter = Converters.LossConverter.class, defaultValue = "mse",
            description = "mse or bce (default: ${DEFAULT-VALUE}).")
    Loss loss;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 2.0 with mse, 1.0 with bce, whose output gradient (a - y) lacks "
                    + "mse's factor a(1 - a) <= 1/4; both measured to train well with plain SGD). May be changed when "
                    + "resuming.")
    Double lrOption;

    @Option(names = "--momentum", defaultValue = "0",
            description = "SGD momentum in [0, 1) (default: ${DEFAULT-VALUE}, plain SGD, as in PyTorch and Keras; "
                    + "with momentum mu the effective step is about lr / (1 - mu)).")
    double momentum;

    @Option(names = "--batch", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs in total, resumed ones included "
            + "(default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the initial weights, the shuffle, the validation split and the synthetic data "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-shuffle", description = "Visit the rows in file order every epoch.")
    boolean noShuffle;

    @Option(names = "--samples", defaultValue = "20000",
            description = "Rows of synthetic data (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--model-in", paramLabel = "FILE", description = "Start from the weights of this model file.")
    Path modelIn;

    @Option(names = "--model-out", paramLabel = "FILE",
            description = "Save the trained model here (safetensors); checked before training starts.")
    Path modelOut;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Write a checkpoint (weights, optimizer state, epoch and seed) here after every epoch; "
                    + "the newest " + TrainingRun.DEFAULT_CHECKPOINTS_KEPT + " are kept. The directory belongs to "
                    + "this run: one holding another run's checkpoints is refused.")
    Path checkpointDir;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in --checkpoint-dir.")
    boolean resume;

    @Option(names = "--overwrite-checkpoints",
            description = "Delete the checkpoints an earlier run left in --checkpoint-dir instead of refusing it.")
    boolean overwriteCheckpoints;

    @Option(names = "--log-json", paramLabel = "FILE",
            description = "Write one JSON object per epoch and line to FILE (epoch, loss, val_loss, val_accuracy, "
                    + "samples_per_s, seconds); a fresh run truncates it, a resumed run appends.")
    Path logJson;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;

    @Mixin
    SparkOptions spark;

    private PrintWriter out;

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        checkOptionCombinations();
        backendChoice.check(); // before anything is read or started
        DataSource source = DataSource.parse(data);
        Checkpoint checkpoint = resume ? loadCheckpoint() : null;
        ModelFile.Model start = modelIn != null ? ModelFile.read(modelIn) : null;
        if (checkpoint != null) {
            adopt(checkpoint);
        }
        int[] layers = layers(checkpoint, start);
        checkMemory(layers, checkpoint, start, source instanceof DataSource.Synthetic ? Math.min(batch, samples) : 1);
        if (start != null && start.loss() != null && !given("--loss")) {
            loss = start.loss();
        }
        double learningRate = lrOption != null ? lrOption
                : checkpoint != null ? checkpoint.learningRate() : TrainingSettings.defaultLearningRate(loss);
        if (checkpoint != null && learningRate != checkpoint.learningRate()) {
            out.printf(Locale.ROOT, "learning rate changed from %s to %s on resuming%n", checkpoint.learningRate(),
                    learningRate);
        }
        TrainingRun.Builder run = TrainingRun.builder();
        if (checkpoint != null) {
            run.resumeFrom(checkpoint);
        }
        run.learningRate(learningRate).momentum(momentum).batchSize(batch).epochs(epochs).seed(seed)
                .shuffle(!noShuffle).checkpointDir(checkpointDir).overwriteCheckpoints(overwriteCheckpoints)
                .jsonLog(logJson).modelOut(modelOut);
        try {
            run.build().checkOutputs(layers, dtype); // the settings and the outputs, before any data is read
        } catch (CheckpointDirectoryTakenException e) {
            throw taken(e);
        }

        long loadStart = System.nanoTime();
        Dataset all = source instanceof DataSource.Synthetic
                ? SyntheticTeacher.generate(seed, positiveSamples(layers), teacherSizes(layers)).as(dtype)
                : dataOptions.load(source, IdxLoader.Split.TRAIN, layers[layers.length - 1], dtype);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        checkFits(all, layers, "--data " + data);
        checkMemory(layers, checkpoint, start, Math.min(batch, all.rows())); // again, now that the data takes its share
        Dataset train = all;
        Dataset validation = null;
        String validationText = null;
        if (valFraction != null) {
            HoldOut split = HoldOut.split(all, valFraction, seed);
            train = split.train();
            validation = split.validation();
            validationText = validation.rows() + " rows held out (--val-fraction " + valFraction + ")";
        } else if (valData != null) {
            DataSource valSource = DataSource.parse(valData);
            validation = dataOptions.load(valSource, IdxLoader.Split.TEST, layers[layers.length - 1], dtype);
            checkFits(validation, layers, "--val-data " + valData);
            validationText = validation.rows() + " rows from " + DataOptions.describe(valSource, IdxLoader.Split.TEST);
        }
        Parameters initial = checkpoint != null ? checkpoint.parameters()
                : start != null ? start.parameters() : Parameters.xavierUniform(seed, layers);

        try (Backend backend = backendChoice.create();
             Network net = new Network(backend, dtype, loss, initial);
             SparkEngineProvider.Session sparkSession = spark.enabled()
                     ? spark.open(backend.id(), backendChoice.threads) : null) {
            printHeader(layers, backend, learningRate, source, train, loadSeconds, validationText, checkpoint);
            if (sparkSession != null) {
                run.engine(sparkSession.engine());
                out.println("spark: " + sparkSession.description());
                out.flush();
            }
            TrainingRun trainingRun = run.validation(validation).listener(new Printer(train.rows())).build();
            TrainingResult result;
            try (StopOnSignal signal = StopOnSignal.install(trainingRun::requestStop, parent.handleSignals)) {
                try {
                    result = trainingRun.fit(net, train);
                } catch (TrainingDivergedException e) {
                    throw new TrainingException(divergedMessage(e, learningRate), e);
                } catch (CheckpointDirectoryTakenException e) {
                    throw taken(e);
                } finally {
                    progress.close();
                }
                if (result.status() == TrainingResult.Status.STOPPED) {
                    out.println("stopped by " + (signal.signalled() ? "a signal" : "request") + " during epoch "
                            + (result.epochsDone() + 1) + "; " + keptCheckpointText(result.lastCheckpoint(),
                            result.epochsDone()));
                    out.flush();
                    return Nabla.EXIT_TRAINING_FAILED;
                }
            }
            if (checkpoint != null && checkpoint.epochsDone() >= epochs) {
                out.printf(Locale.ROOT, "the checkpoint already has %d epochs (--epochs %d): nothing to train%n",
                        checkpoint.epochsDone(), epochs);
            }
            if (sparkSession != null && sparkSession.summary() != null) {
                out.println("spark: " + sparkSession.summary());
            }
            if (result.model() != null) {
                out.println("model saved to " + result.model());
            }
            out.flush();
        }
        return Nabla.EXIT_OK;
    }

    private EpochProgress progress;

    private static IllegalArgumentException taken(CheckpointDirectoryTakenException e) {
        return new IllegalArgumentException(e.getMessage() + " (--resume, another --checkpoint-dir, or "
                + "--overwrite-checkpoints)", e);
    }

    private void checkOptionCombinations() {
        if (resume && checkpointDir == null) {
            throw new IllegalArgumentException("--resume needs --checkpoint-dir DIR (where the checkpoints are)");
        }
        if (resume && modelIn != null) {
            throw new IllegalArgumentException("--resume and --model-in are exclusive: a checkpoint holds the weights");
        }
        if (resume && overwriteCheckpoints) {
            throw new IllegalArgumentException("--resume and --overwrite-checkpoints are exclusive");
        }
        if (valFraction != null && valData != null) {
            throw new IllegalArgumentException("--val-fraction and --val-data are exclusive");
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("--epochs must be >= 0, got " + epochs);
        }
        spark.check();
    }

    private Checkpoint loadCheckpoint() throws IOException {
        Path latest = CheckpointDirectory.latestIn(checkpointDir).orElseThrow(() -> new IllegalArgumentException(
                "--resume: no checkpoint in " + checkpointDir + " (files named checkpoint-epoch-NNNNNN.safetensors)"));
        out.println("resuming from " + latest);
        return Checkpoint.load(latest);
    }

    /**
     * Takes the training settings from the checkpoint; options given on the command line must agree
     * with it, since a resumed run is only the same run if nothing changed. The learning rate and
     * the epochs are the exceptions: lowering the rate after a divergence is what resuming is for.
     */
    private void adopt(Checkpoint c) {
        dtype = agree("--dtype", dtype, c.dtype());
        loss = agree("--loss", loss, c.loss());
        momentum = agree("--momentum", momentum, c.momentum());
        batch = agree("--batch", batch, c.batchSize());
        seed = agree("--seed", seed, c.seed());
        noShuffle = !agree("--no-shuffle", !noShuffle, c.shuffle());
    }

    private <T> T agree(String option, T given, T saved) {
        if (given(option) && !given.equals(saved)) {
            throw new IllegalArgumentException(option + " " + (option.equals("--no-shuffle") ? "" : given + " ")
                    + "differs from the checkpoint's " + (option.equals("--no-shuffle") ? "shuffle " : "") + saved
                    + ": a resumed run keeps its settings (leave the option out)");
        }
        return saved;
    }

    private int[] layers(Checkpoint checkpoint, ModelFile.Model start) {
        int[] fromFile = checkpoint != null ? checkpoint.parameters().sizes()
                : start != null ? start.parameters().sizes() : null;
        if (fromFile == null) {
            return LayerSizes.parse(layersText);
        }
        if (given("--layers") && !Arrays.equals(LayerSizes.parse(layersText), fromFile)) {
            throw new IllegalArgumentException("--layers " + layersText + " differs from the "
                    + (checkpoint != null ? "checkpoint's" : "model's") + " " + LayerSizes.format(fromFile));
        }
        return fromFile;
    }

    private int positiveSamples(int[] layers) {
        if (samples <= 0) {
            throw new IllegalArgumentException("--samples must be positive, got " + samples);
        }
        int[] teacher = teacherSizes(layers);
        long values = MemoryBudget.times(samples, (long) teacher[0] + teacher[teacher.length - 1]);
        MemoryBudget.require("--samples " + samples, "the synthetic rows (" + teacher[0] + " inputs and "
                + teacher[teacher.length - 1] + " targets each, in " + dtype + ")",
                MemoryBudget.times(values, dtype == DType.FLOAT64 ? 12 : 4));
        return samples;
    }

    /** Refuses a network too large for this process before anything is allocated, naming where its size came from. */
    private void checkMemory(int[] layers, Checkpoint checkpoint, ModelFile.Model start, int batchRows) {
        String what = checkpoint != null ? "the checkpoint's network " + LayerSizes.format(layers)
                : start != null ? "--model-in " + modelIn + " (a " + LayerSizes.format(layers) + " network)"
                : "--layers " + layersText;
        MemoryBudget.require(what, "its weights, gradients and training buffers (batch " + batchRows + ", " + dtype
                + ")", MemoryBudget.trainingBytes(layers, dtype, Math.max(1, batchRows), momentum > 0));
    }

    private void checkFits(Dataset d, int[] layers, String what) {
        int in = layers[0];
        int outputs = layers[layers.length - 1];
        if (d.inputs() != in || d.outputs() != outputs) {
            throw new IllegalArgumentException(what + " has " + d.inputs() + " inputs and " + d.outputs()
                    + " targets per row but the network " + LayerSizes.format(layers) + " takes " + in + " and gives "
                    + outputs + (given("--layers") || modelIn != null || resume ? ""
                    : ": give --layers " + d.inputs() + ",HIDDEN," + d.outputs()));
        }
        if (loss == Loss.BCE) {
            String outside = d.firstTargetOutside(0, 1);
            if (outside != null) {
                throw new IllegalArgumentException(what + ": " + outside + ", outside [0, 1], which bce needs");
            }
        }
    }

    private void printHeader(int[] layers, Backend backend, double learningRate, DataSource source, Dataset train,
                             double loadSeconds, String validationText, Checkpoint checkpoint) {
        out.printf(Locale.ROOT, "training %s on %s (%s), %s loss, lr %s, momentum %s, batch %d, %d epochs%n",
                LayerSizes.format(layers), backend.description(), dtype, loss, learningRate, momentum, batch, epochs);
        if (source instanceof DataSource.Synthetic) {
            out.printf(Locale.ROOT, "data: %d rows labelled by a synthetic teacher network %s%n",
                    train.rows(), LayerSizes.format(teacherSizes(layers)));
        } else {
            out.printf(Locale.ROOT, "data: %s: %d rows, %d inputs, %d targets (read in %.1f s)%n",
                    DataOptions.describe(source, IdxLoader.Split.TRAIN), train.rows(), train.inputs(), train.outputs(),
                    loadSeconds);
        }
        if (validationText != null) {
            out.println("validation: " + validationText);
        }
        if (checkpoint != null) {
            out.printf(Locale.ROOT, "resumed after epoch %d%n", checkpoint.epochsDone());
        } else if (modelIn != null) {
            out.println("starting from the weights of " + modelIn);
        }
        out.flush();
    }

    private String divergedMessage(TrainingDivergedException e, double learningRate) {
        return String.format(Locale.ROOT, "training diverged: the loss is %s at epoch %d, batch %d (learning rate %s); "
                        + "try a smaller learning rate, e.g. --lr %s; %s", e.loss(), e.epoch(), e.batch(),
                learningRate, learningRate / 10, keptCheckpointText(e.lastCheckpoint(), e.epoch() - 1));
    }

    private String keptCheckpointText(Path lastCheckpoint, int epochsDone) {
        if (checkpointDir == null) {
            return "no checkpoint was written (use --checkpoint-dir)";
        }
        if (lastCheckpoint != null) {
            return "the last good checkpoint is " + lastCheckpoint + " (continue with --resume)";
        }
        return epochsDone == 0 ? "no epoch finished, so no checkpoint was written"
                : epochsDone + " epoch" + (epochsDone == 1 ? "" : "s") + " finished but no checkpoint of them is in "
                + checkpointDir;
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The teacher has the student's inputs and outputs but its own hidden width (seed 001's set-up). */
    static int[] teacherSizes(int[] student) {
        int hidden = Math.max(2, (student[0] + student[student.length - 1]) / 2 + 1);
        return new int[] {student[0], hidden, student[student.length - 1]};
    }

    /** Renders the run's progress: the progress display during an epoch, one line after it. */
    private final class Printer implements TrainingListener {
        Printer(int rows) {
            progress = new EpochProgress(parent.terminal ? System.err : null, out, 30, epochs, rows, batch);
        }

        @Override
        public void onEpochStart(int epoch, int total, int batches) {
            progress.start(epoch - 1);
        }

        @Override
        public void onBatchEnd(int epoch, int batchIndex, int batches) {
            progress.batchDone(epoch - 1, batchIndex - 1);
        }

        @Override
        public void onWarning(String message) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("nabla: warning: " + Failures.oneLine(message));
            err.flush();
        }

        @Override
        public void onEpochEnd(EpochReport r) {
            progress.finish();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %3d/%d  loss %.6f",
                    r.epoch(), r.epochs(), r.loss()));
            Evaluation v = r.validation();
            if (v != null) {
                line.append(String.format(Locale.ROOT, "  val_loss %.6f", v.loss()));
                if (v.hasAccuracy()) {
                    line.append(String.format(Locale.ROOT, "  val_acc %.2f%%", 100 * v.accuracy()));
                }
            }
            line.append(String.format(Locale.ROOT, "  %,.0f samples/s  %.1f s", r.samplesPerSecond(), r.seconds()));
            out.println(line);
            out.flush();
        }
    }
}
