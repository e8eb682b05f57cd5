package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.MemoryBudget;
import dev.nabla.model.Checkpoint;
import dev.nabla.model.CheckpointDirectory;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.nn.Sgd;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One training run: mini-batch SGD over a data set for a number of epochs, with everything around
 * the steps that a real run needs, written once for every caller (the command line, Spark, your
 * code): the seeded per-epoch shuffle, validation after each epoch, a checkpoint per epoch in a
 * directory the run owns, resuming from a checkpoint bit for bit, a JSON log, divergence detection,
 * stop requests from another thread, and saving the model at the end.
 *
 * <pre>{@code
 * TrainingResult result = TrainingRun.builder()
 *         .learningRate(0.5).batchSize(32).epochs(3).seed(7)
 *         .validation(testSet)
 *         .onEpochEnd(report -> System.out.println(report))
 *         .build()
 *         .fit(network, trainSet);
 * }</pre>
 *
 * <p>A run object is used for one {@link #fit} at a time, on one thread; {@link #requestStop()}
 * may be called from any thread. The steps themselves are computed by a {@link StepEngine}, by
 * default on the network's backend. The run neither creates nor closes the network or its backend.
 *
 * <p>To resume after a crash or a stop, load the newest checkpoint and train the network it holds:
 * <pre>{@code
 * Checkpoint c = Checkpoint.load(CheckpointDirectory.latestIn(dir).orElseThrow());
 * try (Network net = c.toNetwork(backend)) {
 *     TrainingRun.builder().resumeFrom(c).epochs(10).checkpointDir(dir).build().fit(net, trainSet);
 * }
 * }</pre>
 */
public final class TrainingRun {
    /** How many checkpoints a run keeps by default (the newest). */
    public static final int DEFAULT_CHECKPOINTS_KEPT = 2;
    private static final SecureRandom RUN_IDS = new SecureRandom();

    private final TrainingSettings settings;
    private final Dataset validation;
    private final Path checkpointDir;
    private final int keepCheckpoints;
    private final boolean overwriteCheckpoints;
    private final Checkpoint resumeFrom;
    private final Path jsonLog;
    private final Path modelOut;
    private final List<TrainingListener> listeners;
    private final StepEngine.Factory engine;
    private volatile boolean stopRequested;

    private TrainingRun(Builder b, TrainingSettings settings) {
        this.settings = settings;
        this.validation = b.validation;
        this.checkpointDir = b.checkpointDir;
        this.keepCheckpoints = b.keepCheckpoints;
        this.overwriteCheckpoints = b.overwriteCheckpoints;
        this.resumeFrom = b.resumeFrom;
        this.jsonLog = b.jsonLog;
        this.modelOut = b.modelOut;
        this.listeners = List.copyOf(b.listeners);
        this.engine = b.engine;
    }

    /**
     * A builder with the default settings and no learning rate.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The SGD settings this run trains with.
     *
     * @return the settings
     */
    public TrainingSettings settings() {
        return settings;
    }

    /**
     * Asks a running {@link #fit} to stop after the step in progress; it then returns
     * {@link TrainingResult.Status#STOPPED} with the epochs that finished. Safe from any thread (e.g.
     * a signal handler). The request is not reset: a later {@code fit} of this run stops at once.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Whether {@link #requestStop()} was called.
     *
     * @return true once a stop was requested
     */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Trains {@code net} on {@code train}, from epoch 0 or from the resumed checkpoint's epoch, up to
     * the settings' epochs. Each epoch: the order ({@link EpochOrder}), the steps, validation, the
     * checkpoint, the JSON log line, then the listeners' {@code onEpochEnd}. After the last epoch the
     * model is saved if {@link Builder#modelOut} was given.
     *
     * @param net the network to train, in place; for a resumed run, the one
     *            {@link Checkpoint#toNetwork} built
     * @param train the training examples, with the network's widths (targets in [0, 1] for bce)
     * @return how the run ended, with a report per epoch
     * @throws IllegalArgumentException  when the data, the network, the checkpoint and the paths do not
     *                                   fit together (checked before any step)
     * @throws IllegalStateException     when another live run holds the checkpoint directory
     * @throws TrainingDivergedException when a batch loss is NaN or infinite
     * @throws TrainingException         when a checkpoint, the log or the model cannot be written
     * @throws IOException               when the checkpoint directory or the log cannot be opened
     */
    public TrainingResult fit(Network net, Dataset train) throws IOException {
        Objects.requireNonNull(net, "network");
        Objects.requireNonNull(train, "training data");
        checkFits(net, train, "the training data");
        if (validation != null) {
            checkFits(net, validation, "the validation data");
        }
        checkResume(net, train);
        checkOutputs(net.sizes(), net.dtype());
        MemoryBudget.require("training the " + LayerSizes.format(net.sizes()) + " network", "its momentum buffers, "
                + "saved copies and batch buffers", MemoryBudget.trainingBytes(net.sizes(), net.dtype(),
                        Math.min(settings.batchSize(), train.rows()), settings.momentum() > 0)
                        - MemoryBudget.times(MemoryBudget.parameterCount(net.sizes()), 8L + 2L * net.dtype().bytes()));
        int firstEpoch = resumeFrom != null ? resumeFrom.epochsDone() : 0;
        String runId = resumeFrom != null && resumeFrom.runId() != null ? resumeFrom.runId() : newRunId();
        try (CheckpointDirectory checkpoints = openCheckpoints();
             JsonLog log = jsonLog == null ? null : new JsonLog(jsonLog, resumeFrom != null);
             Sgd sgd = Sgd.builder().learningRate(settings.learningRate()).momentum(settings.momentum()).build()) {
            if (resumeFrom != null && resumeFrom.velocities() != null) {
                sgd.setVelocities(net, resumeFrom.velocities());
            }
            Path lastCheckpoint = checkpoints != null ? checkpoints.latest().orElse(null) : null;
            List<EpochReport> reports = new ArrayList<>();
            int rows = train.rows();
            int batchSize = Math.min(settings.batchSize(), rows);
            int batches = (rows + batchSize - 1) / batchSize;
            int epochsDone = firstEpoch;
            boolean validationOneHot = validation != null && validation.isOneHot();
            try (StepEngine steps = engine.start(net, sgd, train, settings)) {
                for (int epoch = firstEpoch; epoch < settings.epochs(); epoch++) {
                    if (stopRequested) {
                        return new TrainingResult(TrainingResult.Status.STOPPED, reports, epochsDone, lastCheckpoint, null);
                    }
                    int[] order = settings.shuffle() ? EpochOrder.shuffled(rows, settings.seed(), epoch)
                            : EpochOrder.identity(rows);
                    for (TrainingListener l : listeners) {
                        l.onEpochStart(epoch + 1, settings.epochs(), batches);
                    }
                    long start = System.nanoTime();
                    StepEngine.EpochSteps done;
                    try {
                        done = steps.runEpoch(epoch, order, batchSize, new Control(epoch, batches));
                    } catch (TrainingDivergedException e) {
                        throw e.withCheckpoint(lastCheckpoint);
                    }
                    if (done.batchesDone() < batches) {
                        return new TrainingResult(TrainingResult.Status.STOPPED, reports, epochsDone, lastCheckpoint, null);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Evaluation val = validation == null ? null
                            : Evaluator.evaluate(net, validation, net.loss(), Math.max(batchSize, 256), validationOneHot);
                    epochsDone = epoch + 1;
                    if (checkpoints != null) {
                        lastCheckpoint = saveCheckpoint(checkpoints, net, sgd, train, epochsDone, runId, lastCheckpoint);
                    }
                    EpochReport report = new EpochReport(epochsDone, settings.epochs(), done.lossSum() / batches, val,
                            rows, seconds, checkpoints != null ? lastCheckpoint : null);
                    reports.add(report);
                    String logProblem = log != null ? log.epoch(report) : null;
                    if (logProblem != null) {
                        for (TrainingListener l : listeners) {
                            l.onWarning(logProblem);
                        }
                    }
                    for (TrainingListener l : listeners) {
                        l.onEpochEnd(report);
                    }
                }
            }
            Path model = null;
            if (modelOut != null) {
                try {
                    ModelFile.save(modelOut, net);
                } catch (IOException | IllegalArgumentException e) { // IAE: non-finite weights, not written
                    throw new TrainingException("cannot save the model to " + modelOut + " (" + e.getMessage() + ")"
                            + (lastCheckpoint != null ? "; the last checkpoint is " + lastCheckpoint : ""), e);
                }
                model = modelOut;
            }
            return new TrainingResult(TrainingResult.Status.COMPLETED, reports, epochsDone, lastCheckpoint, model);
        }
    }

    /**
     * Checks, before any data is read or step taken, that this run's outputs can be written for a
     * network of these layer sizes: the model file and the JSON log (their directories exist, files
     * can be created there, and there is room for the model), and the checkpoint directory (created
     * if needed; room for two checkpoints, the new one is written before the oldest is deleted;
     * not another run's, unless resuming that run or told to overwrite). {@link #fit} checks again.
     *
     * @param sizes the network's layer sizes
     * @param dtype the network's dtype
     * @throws IllegalArgumentException naming the output, its path and the problem
     * @throws CheckpointDirectoryTakenException when the checkpoint directory holds another run's checkpoints
     * @throws IOException when the checkpoint directory cannot be listed or its newest checkpoint read
     */
    public void checkOutputs(int[] sizes, DType dtype) throws IOException {
        long parameters = MemoryBudget.parameterCount(sizes);
        long header = MemoryBudget.plus(2048, MemoryBudget.times(sizes.length, 512));
        long model = MemoryBudget.plus(header, MemoryBudget.times(parameters, dtype.bytes()));
        AtomicFiles.checkWritable(modelOut, "the model file", model);
        AtomicFiles.checkWritable(jsonLog, "the JSON log", MemoryBudget.times(256, Math.max(1, settings.epochs())));
        if (checkpointDir != null) {
            if (Files.exists(checkpointDir) && !Files.isDirectory(checkpointDir)) {
                throw new IllegalArgumentException("the checkpoint directory " + checkpointDir + " is a file");
            }
            try {
                Files.createDirectories(checkpointDir);
            } catch (IOException e) {
                throw new IllegalArgumentException("the checkpoint directory " + checkpointDir + " cannot be created ("
                        + AtomicFiles.reason(e) + ")");
            }
            long checkpoint = MemoryBudget.plus(header, MemoryBudget.times(parameters,
                    (settings.momentum() > 0 ? 2L : 1L) * dtype.bytes()));
            AtomicFiles.checkWritable(checkpointDir.resolve("checkpoint-epoch-000001.safetensors"),
                    "the checkpoint directory", MemoryBudget.times(checkpoint, 2));
            checkOwnership(CheckpointDirectory.epochsIn(checkpointDir), CheckpointDirectory.latestIn(checkpointDir)
                    .orElse(null));
        }
    }

    /** Refuses a directory holding another run's checkpoints; returns whether they are to be deleted. */
    private boolean checkOwnership(List<Integer> existing, Path latest) throws IOException {
        if (existing.isEmpty()) {
            return false;
        }
        if (resumeFrom != null) {
            String theirs = Checkpoint.load(latest).runId();
            if (!Objects.equals(theirs, resumeFrom.runId())) {
                throw new CheckpointDirectoryTakenException(checkpointDir, existing, true);
            }
            return false;
        }
        if (overwriteCheckpoints) {
            return true;
        }
        throw new CheckpointDirectoryTakenException(checkpointDir, existing, false);
    }

    private Path saveCheckpoint(CheckpointDirectory checkpoints, Network net, Sgd sgd, Dataset train, int epochsDone,
                                String runId, Path lastGood) {
        try {
            return checkpoints.save(new Checkpoint(net.parameters(), sgd.velocities(), net.dtype(), net.loss(),
                    epochsDone, settings.seed(), settings.shuffle(), settings.learningRate(), settings.momentum(),
                    settings.batchSize(), train.rows(), runId));
        } catch (IOException | IllegalArgumentException e) { // IAE: non-finite weights, not written
            throw new TrainingException("cannot write the checkpoint of epoch " + epochsDone + " in " + checkpoints.dir()
                    + " (" + e.getMessage() + "); " + (lastGood != null ? "the last good checkpoint is " + lastGood
                    : "no checkpoint was written before"), e);
        }
    }

    private void checkFits(Network net, Dataset data, String what) {
        if (data.inputs() != net.inputs() || data.outputs() != net.outputs()) {
            throw new IllegalArgumentException(what + " has " + data.inputs() + " inputs and " + data.outputs()
                    + " targets per row but the network " + LayerSizes.format(net.sizes()) + " takes " + net.inputs()
                    + " and gives " + net.outputs());
        }
        if (net.loss() == Loss.BCE) {
            String outside = data.firstTargetOutside(0, 1);
            if (outside != null) {
                throw new IllegalArgumentException(what + ": " + outside + ", outside [0, 1], which bce needs");
            }
        }
    }

    private void checkResume(Network net, Dataset train) {
        if (resumeFrom == null) {
            return;
        }
        Checkpoint c = resumeFrom;
        if (!Arrays.equals(c.parameters().sizes(), net.sizes()) || c.dtype() != net.dtype() || c.loss() != net.loss()) {
            throw new IllegalArgumentException("the network " + net + " is not the checkpoint's "
                    + LayerSizes.format(c.parameters().sizes()) + " (" + c.loss() + ") in " + c.dtype()
                    + ": build it with Checkpoint.toNetwork");
        }
        if (c.rows() != train.rows()) {
            throw new IllegalArgumentException("the checkpoint was trained on " + c.rows() + " rows but this data has "
                    + train.rows() + ": resume with the same data and validation split");
        }
    }

    /** Opens the checkpoint directory and checks that it is this run's to write. */
    private CheckpointDirectory openCheckpoints() throws IOException {
        if (checkpointDir == null) {
            return null;
        }
        CheckpointDirectory dir = CheckpointDirectory.open(checkpointDir, keepCheckpoints);
        try {
            if (checkOwnership(dir.epochs(), dir.latest().orElse(null))) {
                dir.deleteAll();
            }
            return dir;
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static String newRunId() {
        return String.format("%016x", RUN_IDS.nextLong());
    }

    /** What the engine reports during an epoch, turned into divergence checks and listener calls. */
    private final class Control implements StepEngine.EpochControl {
        private final int epoch;
        private final int batches;

        Control(int epoch, int batches) {
            this.epoch = epoch;
            this.batches = batches;
        }

        @Override
        public boolean stopRequested() {
            return stopRequested;
        }

        @Override
        public void batchLoss(int batch, double loss) {
            if (!Double.isFinite(loss)) {
                throw new TrainingDivergedException(epoch + 1, batch + 1, loss, settings.learningRate(), null);
            }
        }

        @Override
        public void batchDone(int batch) {
            for (TrainingListener l : listeners) {
                l.onBatchEnd(epoch + 1, batch + 1, batches);
            }
        }
    }

    /**
     * Settings and policies of a {@link TrainingRun}. The SGD settings can be given one by one here
     * or as a whole with {@link #settings}; a resumed run takes them from its checkpoint.
     */
    public static final class Builder {
        private TrainingSettings.Builder settings = TrainingSettings.builder();
        private Dataset validation;
        private Path checkpointDir;
        private int keepCheckpoints = DEFAULT_CHECKPOINTS_KEPT;
        private boolean overwriteCheckpoints;
        private Checkpoint resumeFrom;
        private Path jsonLog;
        private Path modelOut;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private StepEngine.Factory engine = StepEngine.local();

        private Builder() {
        }

        /**
         * All SGD settings at once (replacing any set one by one before).
         *
         * @param s the settings
         * @return this builder
         */
        public Builder settings(TrainingSettings s) {
            this.settings = s.toBuilder();
            return this;
        }

        /**
         * Required (unless resuming): the SGD step size, positive and finite (checked by
         * {@link #build}). {@link TrainingSettings#defaultLearningRate} suggests one per loss.
         *
         * @param learningRate lr
         * @return this builder
         */
        public Builder learningRate(double learningRate) {
            settings.learningRate(learningRate);
            return this;
        }

        /**
         * SGD momentum in [0, 1); default 0.
         *
         * @param momentum mu
         * @return this builder
         */
        public Builder momentum(double momentum) {
            settings.momentum(momentum);
            return this;
        }

        /**
         * Rows per mini-batch; default 64.
         *
         * @param batchSize the rows per batch, at least 1
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            settings.batchSize(batchSize);
            return this;
        }

        /**
         * Epochs in total, resumed ones included; default 20.
         *
         * @param epochs the epochs, at least 0
         * @return this builder
         */
        public Builder epochs(int epochs) {
            settings.epochs(epochs);
            return this;
        }

        /**
         * Seed of the per-epoch shuffle; default 42. (The network's initial weights have their own
         * seed, {@link Network.Builder#seed}.)
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            settings.seed(seed);
            return this;
        }

        /**
         * Whether each epoch visits the rows in a fresh seeded order; default true.
         *
         * @param shuffle whether to shuffle
         * @return this builder
         */
        public Builder shuffle(boolean shuffle) {
            settings.shuffle(shuffle);
            return this;
        }

        /**
         * A data set evaluated after every epoch (its loss, and accuracy when its targets are one-hot).
         *
         * @param validation the held-out examples, or null for none
         * @return this builder
         */
        public Builder validation(Dataset validation) {
            this.validation = validation;
            return this;
        }

        /**
         * Write a checkpoint here after every epoch. The directory belongs to this run: a new run
         * refuses one holding another run's checkpoints (unless {@link #overwriteCheckpoints}), and a
         * second live run on it is refused.
         *
         * @param dir the directory, created if missing; null for no checkpoints
         * @return this builder
         */
        public Builder checkpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /**
         * How many checkpoints to keep, the newest; default 2.
         *
         * @param keep at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code keep} is below 1
         */
        public Builder keepCheckpoints(int keep) {
            if (keep < 1) {
                throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
            }
            this.keepCheckpoints = keep;
            return this;
        }

        /**
         * Delete an earlier run's checkpoints from the checkpoint directory instead of refusing it.
         *
         * @param overwrite whether to delete them; default false
         * @return this builder
         */
        public Builder overwriteCheckpoints(boolean overwrite) {
            this.overwriteCheckpoints = overwrite;
            return this;
        }

        /**
         * Continue the run that wrote {@code checkpoint}: its SGD settings, momentum buffers, epoch
         * and run identity are taken; the learning rate and the total epochs may still be changed
         * after this call. Train the network {@link Checkpoint#toNetwork} builds, on the same data.
         *
         * @param checkpoint the checkpoint to continue from
         * @return this builder
         * @throws NullPointerException if {@code checkpoint} is null
         */
        public Builder resumeFrom(Checkpoint checkpoint) {
            this.resumeFrom = Objects.requireNonNull(checkpoint, "checkpoint");
            settings.learningRate(checkpoint.learningRate()).momentum(checkpoint.momentum())
                    .batchSize(checkpoint.batchSize()).seed(checkpoint.seed()).shuffle(checkpoint.shuffle());
            return this;
        }

        /**
         * Append one JSON object per epoch to this file (JSON Lines); a fresh run truncates it, a
         * resumed one appends. A failed write is a warning to the listeners, not an error.
         *
         * @param file the log file, or null for none
         * @return this builder
         */
        public Builder jsonLog(Path file) {
            this.jsonLog = file;
            return this;
        }

        /**
         * Save the model here when all epochs are done (checked for writability before training
         * starts). A stopped run does not save it.
         *
         * @param file the model file, or null for none
         * @return this builder
         */
        public Builder modelOut(Path file) {
            this.modelOut = file;
            return this;
        }

        /**
         * Adds a listener; listeners are called in the order added, on the training thread.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(TrainingListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Called after every epoch with its report: {@code .onEpochEnd(r -> System.out.println(r))}.
         *
         * @param action the callback
         * @return this builder
         * @throws NullPointerException if {@code action} is null
         */
        public Builder onEpochEnd(Consumer<EpochReport> action) {
            Objects.requireNonNull(action, "action");
            return listener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochReport report) {
                    action.accept(report);
                }
            });
        }

        /**
         * Called after every step: {@code .onBatchEnd((epoch, batch, batches) -> ...)}.
         *
         * @param action the callback
         * @return this builder
         * @throws NullPointerException if {@code action} is null
         */
        public Builder onBatchEnd(BatchListener action) {
            Objects.requireNonNull(action, "action");
            return listener(new TrainingListener() {
                @Override
                public void onBatchEnd(int epoch, int batch, int batches) {
                    action.onBatchEnd(epoch, batch, batches);
                }
            });
        }

        /**
         * How steps are computed (default: {@link StepEngine#local()}, on the network's backend).
         *
         * @param engine the engine factory
         * @return this builder
         * @throws NullPointerException if {@code engine} is null
         */
        public Builder engine(StepEngine.Factory engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /**
         * The run, its settings checked. The builder may be reused.
         *
         * @return a new run
         * @throws IllegalStateException    when no learning rate was given
         * @throws IllegalArgumentException when a setting is out of range
         */
        public TrainingRun build() {
            return new TrainingRun(this, settings.build());
        }
    }
}
