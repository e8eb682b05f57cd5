package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Network;
import dev.nabla.nn.Sgd;

/**
 * Computes the SGD steps of a {@link TrainingRun}'s epochs. The run owns everything around the
 * steps (the epoch order, validation, checkpoints, resume, the JSON log, divergence and stop
 * requests); an engine owns how a step's gradients are computed and applied. The default engine
 * ({@link #local()}) runs them on the network's own backend; a cluster or device-resident engine
 * plugs in here without copying the rest.
 *
 * <p>An engine is started once per {@link TrainingRun#fit}, used on the training thread, and closed
 * when the run ends, however it ends.
 */
public interface StepEngine extends AutoCloseable {
    /**
     * Runs one epoch's steps over the rows in {@code order}: batches of {@code batchSize}
     * consecutive entries of {@code order} (the last one smaller), one SGD step each. For each batch
     * it reports the batch's forward-pass loss to {@link EpochControl#batchLoss} (which throws when
     * the loss is not finite; engines that learn a loss only after the update report it then), and
     * progress to {@link EpochControl#batchDone}; between steps it stops early when
     * {@link EpochControl#stopRequested()}.
     *
     * @param epoch 0-based
     * @param order the rows' visiting order, a permutation of the training rows
     * @param batchSize rows per batch, at most the number of rows
     * @param control where to report losses and progress, and ask whether to stop
     * @return the number of batches completed and the sum of their losses
     * @throws TrainingDivergedException from {@link EpochControl#batchLoss}, passed on
     */
    EpochSteps runEpoch(int epoch, int[] order, int batchSize, EpochControl control);

    /** Releases what {@link Factory#start} set up. */
    @Override
    default void close() {
    }

    /** What the run tells an engine during an epoch. */
    interface EpochControl {
        /**
         * Whether {@link TrainingRun#requestStop()} was called; checked between steps.
         *
         * @return true to stop after the current step
         */
        boolean stopRequested();

        /**
         * Batch {@code batch} (0-based) had this mean loss.
         *
         * @param batch the batch within the epoch, from 0
         * @param loss its mean loss, from the forward pass
         * @throws TrainingDivergedException if the loss is not finite
         */
        void batchLoss(int batch, double loss);

        /**
         * Batch {@code batch} (0-based) is done (its update applied); calls the run's listeners.
         *
         * @param batch the batch within the epoch, from 0
         */
        void batchDone(int batch);
    }

    /**
     * The steps an epoch completed: all of them unless a stop was requested.
     *
     * @param batchesDone the batches whose update was applied
     * @param lossSum the sum of their mean losses
     */
    record EpochSteps(int batchesDone, double lossSum) {
    }

    /** Sets an engine up for one {@link TrainingRun#fit} call. */
    @FunctionalInterface
    interface Factory {
        /**
         * Starts the engine for one run.
         *
         * @param net   the network being trained (its parameters are the run's; the engine updates them)
         * @param sgd   the optimizer, bound to {@code net} and holding any resumed momentum
         * @param train the training rows
         * @param settings the run's SGD settings
         * @return a started engine, which the run closes
         */
        StepEngine start(Network net, Sgd sgd, Dataset train, TrainingSettings settings);
    }

    /**
     * Steps on the network's own backend: gather each batch on the host, copy it in, forward,
     * backward, update. The default of {@link TrainingRun.Builder#engine}.
     *
     * @return the factory of local engines
     */
    static Factory local() {
        return LocalStepEngine::new;
    }
}
