package dev.nabla.cli;

import dev.nabla.data.DataSource;
import dev.nabla.data.Dataset;
import dev.nabla.data.HoldOut;
import dev.nabla.data.IdxLoader;
import dev.nabla.data.SyntheticTeacher;
import dev.nabla.io.Checkpoint;
import dev.nabla.io.CheckpointDirectory;
import dev.nabla.io.ModelFile;
import dev.nabla.train.EpochStats;
import dev.nabla.train.Evaluator;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.nn.Sgd;
import dev.nabla.train.Trainer;
import dev.nabla.train.TrainingConfig;
import dev.nabla.train.TrainingDivergedException;
import dev.nabla.train.TrainingListener;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
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

/** Trains a network by mini-batch SGD, printing one line per epoch. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a dense sigmoid network by mini-batch SGD. With no options: a seeded synthetic "
                + "teacher network labels random inputs and a student network learns them.")
final class TrainCommand implements Callable<Integer> {
    /** How many checkpoints --checkpoint-dir keeps (the newest). */
    static final int CHECKPOINTS_KEPT = 2;

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
            description = "float32 or float64 (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--layers", defaultValue = "8,16,4",
            description = "Layer sizes: input, hidden..., output (default: ${DEFAULT-VALUE}; with --model-in or "
                    + "--resume, the file's).")
    String layersText;

    @Option(names = "--loss", converter = Converters.LossConverter.class, defaultValue = "mse",
            description = "mse or bce (default: ${DEFAULT-VALUE}).")
    Loss loss;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 2.0 with mse; 0.1 with bce, whose output gradient (a - y) lacks "
                    + "mse's factor a(1 - a) <= 1/4: on MNIST-shaped data 2.0 does not learn and 0.5 learns slower). "
                    + "May be changed when resuming.")
    Double lrOption;

    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum in [0, 1) (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--model-out", paramLabel = "FILE", description = "Save the trained model here (safetensors).")
    Path modelOut;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "Write a checkpoint (weights, optimizer state, epoch and seed) here after every epoch; "
                    + "the newest " + CHECKPOINTS_KEPT + " are kept.")
    Path checkpointDir;

    @Option(names = "--resume", description = "Continue from the newest checkpoint in --checkpoint-dir.")
    boolean resume;

    @Option(names = "--log-json", paramLabel = "FILE",
            description = "Write one JSON object per epoch and line to FILE (epoch, loss, val_loss, val_accuracy, "
                    + "samples_per_s, seconds); a resumed run appends.")
    Path logJson;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;

    private PrintWriter out;

    @Override
    public Integer call() throws IOException {
        out = spec.commandLine().getOut();
        checkOptionCombinations();
        DataSource source = DataSource.parse(data);
        Checkpoint checkpoint = resume ? loadCheckpoint() : null;
        ModelFile.Model start = modelIn != null ? ModelFile.load(modelIn) : null;
        if (checkpoint != null) {
            adopt(checkpoint);
        }
        int[] layers = layers(checkpoint, start);
        if (start != null && start.loss() != null && !given("--loss")) {
            loss = start.loss();
        }
        learningRate = lrOption != null ? lrOption
                : checkpoint != null ? checkpoint.learningRate() : loss == Loss.BCE ? 0.1 : 2.0;
        if (checkpoint != null && learningRate != checkpoint.learningRate()) {
            out.printf(Locale.ROOT, "learning rate changed from %s to %s on resuming%n", checkpoint.learningRate(),
                    learningRate);
        }
        TrainingConfig config = new TrainingConfig(loss, batch, epochs, !noShuffle, seed);
        Sgd sgd = new Sgd(learningRate, momentum);

        long loadStart = System.nanoTime();
        Dataset all = source instanceof DataSource.Synthetic
                ? SyntheticTeacher.generate(seed, positiveSamples(), teacherSizes(layers))
                : dataOptions.load(source, IdxLoader.Split.TRAIN, layers[layers.length - 1]);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        checkFits(all, layers, "--data " + data);
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
            validation = dataOptions.load(valSource, IdxLoader.Split.TEST, layers[layers.length - 1]);
            checkFits(validation, layers, "--val-data " + valData);
            validationText = validation.rows() + " rows from " + DataOptions.describe(valSource, IdxLoader.Split.TEST);
        }
        if (checkpoint != null && checkpoint.rows() != train.rows()) {
            throw new IllegalArgumentException("the checkpoint was trained on " + checkpoint.rows() + " rows but this "
                    + "data has " + train.rows() + ": resume with the same --data and validation options");
        }
        Parameters initial = checkpoint != null ? checkpoint.parameters()
                : start != null ? start.parameters() : Parameters.xavierUniform(seed, layers);
        int firstEpoch = checkpoint != null ? checkpoint.nextEpoch() : 0;

        try (Backend backend = backendChoice.create();
             Network net = new Network(backend, dtype, initial);
             sgd) {
            if (checkpoint != null && checkpoint.velocities() != null) {
                sgd.setVelocities(net, checkpoint.velocities());
            }
            printHeader(layers, backend, source, train, loadSeconds, validationText, checkpoint, start);
            Trainer trainer = new Trainer(config);
            CheckpointDirectory checkpoints = checkpointDir == null ? null
                    : new CheckpointDirectory(checkpointDir, CHECKPOINTS_KEPT);
            Monitor monitor = new Monitor(net, sgd, train, validation, checkpoints, firstEpoch, checkpoint != null);
            try (StopOnSignal signal = StopOnSignal.install(trainer, parent.handleSignals); monitor) {
                try {
                    trainer.fit(net, sgd, train, firstEpoch, monitor);
                } catch (TrainingDivergedException e) {
                    throw new TrainingFailedException(divergedMessage(e, monitor));
                }
                if (trainer.stopRequested()) {
                    monitor.progress.finish();
                    out.println("stopped by " + (signal.signalled() ? "a signal" : "request") + " during epoch "
                            + (monitor.epochsDone + 1) + "; " + keptCheckpointText(monitor));
                    out.flush();
                    return Nabla.EXIT_TRAINING_FAILED;
                }
                if (checkpoint != null && firstEpoch >= epochs) {
                    out.printf(Locale.ROOT, "the checkpoint already has %d epochs (--epochs %d): nothing to train%n",
                            firstEpoch, epochs);
                }
                if (modelOut != null) {
                    ModelFile.save(modelOut, net.parameters(), dtype, loss);
                    out.println("model saved to " + modelOut);
                }
            }
            out.flush();
        }
        return Nabla.EXIT_OK;
    }

    private void checkOptionCombinations() {
        if (resume && checkpointDir == null) {
            throw new IllegalArgumentException("--resume needs --checkpoint-dir DIR (where the checkpoints are)");
        }
        if (resume && modelIn != null) {
            throw new IllegalArgumentException("--resume and --model-in are exclusive: a checkpoint holds the weights");
        }
        if (valFraction != null && valData != null) {
            throw new IllegalArgumentException("--val-fraction and --val-data are exclusive");
        }
        if (epochs < 0) {
            throw new IllegalArgumentException("--epochs must be >= 0, got " + epochs);
        }
    }

    private Checkpoint loadCheckpoint() throws IOException {
        CheckpointDirectory dir = new CheckpointDirectory(checkpointDir, CHECKPOINTS_KEPT);
        Path latest = dir.latest().orElseThrow(() -> new IllegalArgumentException("--resume: no checkpoint in "
                + checkpointDir + " (files named checkpoint-epoch-NNNNNN.safetensors)"));
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

    private int positiveSamples() {
        if (samples <= 0) {
            throw new IllegalArgumentException("--samples must be positive, got " + samples);
        }
        return samples;
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
            float[] t = d.targets();
            for (int i = 0; i < t.length; i++) {
                if (!(t[i] >= 0f && t[i] <= 1f)) {
                    throw new IllegalArgumentException(what + ": target " + t[i] + " (row " + (i / outputs + 1)
                            + ", target " + (i % outputs + 1) + ") is outside [0, 1], which bce needs");
                }
            }
        }
    }

    private void printHeader(int[] layers, Backend backend, DataSource source, Dataset train, double loadSeconds,
                             String validationText, Checkpoint checkpoint, ModelFile.Model start) {
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
        } else if (start != null) {
            out.println("starting from the weights of " + modelIn);
        }
        out.flush();
    }

    private String divergedMessage(TrainingDivergedException e, Monitor monitor) {
        return String.format(Locale.ROOT, "training diverged: the loss is %s at epoch %d, batch %d (learning rate %s); "
                        + "try a smaller learning rate, e.g. --lr %s; %s", e.loss(), e.epoch() + 1, e.batch() + 1,
                learningRate, learningRate / 10, keptCheckpointText(monitor));
    }

    private String keptCheckpointText(Monitor monitor) {
        if (checkpointDir == null) {
            return "no checkpoint was written (use --checkpoint-dir)";
        }
        return monitor.lastCheckpoint != null ? "the last good checkpoint is " + monitor.lastCheckpoint
                + " (continue with --resume)" : "no epoch finished, so no checkpoint was written";
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The teacher has the student's inputs and outputs but its own hidden width (seed 001's set-up). */
    static int[] teacherSizes(int[] student) {
        int hidden = Math.max(2, (student[0] + student[student.length - 1]) / 2 + 1);
        return new int[] {student[0], hidden, student[student.length - 1]};
    }

    /** Per epoch: the progress display, validation, the printed line, the JSON log and the checkpoint. */
    private final class Monitor implements TrainingListener, AutoCloseable {
        final Network net;
        final Sgd sgd;
        final Dataset train;
        final Dataset validation;
        final boolean validationOneHot;
        final CheckpointDirectory checkpoints;
        final EpochProgress progress;
        final JsonLog log;
        Path lastCheckpoint;
        int epochsDone;

        Monitor(Network net, Sgd sgd, Dataset train, Dataset validation, CheckpointDirectory checkpoints,
                int firstEpoch, boolean resumed) throws IOException {
            this.net = net;
            this.sgd = sgd;
            this.train = train;
            this.validation = validation;
            this.validationOneHot = validation != null && validation.isOneHot();
            this.checkpoints = checkpoints;
            this.progress = new EpochProgress(parent.terminal ? System.err : null, out, 30, epochs, train.rows(), batch);
            this.log = logJson == null ? null : new JsonLog(logJson, resumed);
            this.epochsDone = firstEpoch;
            if (checkpoints != null && resumed) {
                lastCheckpoint = checkpoints.latest().orElse(null);
            }
        }

        @Override
        public void onEpochStart(int epoch, int batches) {
            epochsDone = epoch;
            progress.start(epoch);
        }

        @Override
        public void onBatchEnd(int epoch, int batchIndex, int batches, double batchLoss) {
            progress.batchDone(epoch, batchIndex);
        }

        @Override
        public void onEpochEnd(EpochStats s) {
            progress.finish();
            double valLoss = Double.NaN;
            double valAccuracy = Double.NaN;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %3d/%d  loss %.6f",
                    s.epoch() + 1, epochs, s.loss()));
            if (validation != null) {
                Evaluator.Result r = Evaluator.evaluate(net, validation, loss, Math.max(batch, 256), validationOneHot);
                valLoss = r.loss();
                valAccuracy = r.accuracy();
                line.append(String.format(Locale.ROOT, "  val_loss %.6f", valLoss));
                if (r.hasAccuracy()) {
                    line.append(String.format(Locale.ROOT, "  val_acc %.2f%%", 100 * valAccuracy));
                }
            }
            line.append(String.format(Locale.ROOT, "  %,.0f samples/s  %.1f s", s.samplesPerSecond(), s.seconds()));
            out.println(line);
            out.flush();
            if (log != null) {
                log.epoch(s.epoch() + 1, s.loss(), valLoss, valAccuracy, s.samplesPerSecond(), s.seconds());
            }
            if (checkpoints != null) {
                try {
                    lastCheckpoint = checkpoints.save(new Checkpoint(net.parameters(), sgd.velocities(), dtype, loss,
                            s.epoch() + 1, seed, !noShuffle, learningRate, momentum, batch, train.rows()));
                } catch (IOException e) {
                    throw new TrainingFailedException("cannot write the checkpoint of epoch " + (s.epoch() + 1) + " in "
                            + checkpoints.dir() + " (" + e + "); " + keptCheckpointText(this));
                }
            }
            epochsDone = s.epoch() + 1;
        }

        @Override
        public void close() throws IOException {
            progress.close();
            if (log != null) {
                log.close();
            }
        }
    }
}
