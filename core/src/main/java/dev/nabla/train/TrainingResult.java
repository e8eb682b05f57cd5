package dev.nabla.train;

import java.nio.file.Path;
import java.util.List;

/**
 * How a {@link TrainingRun#fit} ended.
 *
 * @param status         completed, or stopped by {@link TrainingRun#requestStop()}
 * @param epochs         the reports of the epochs this call ran (empty when a resumed run had
 *                       nothing left to do)
 * @param epochsDone     the run's epochs done in total, resumed ones included
 * @param lastCheckpoint the newest checkpoint of this run, or null
 * @param model          where the model was saved, or null
 */
public record TrainingResult(Status status, List<EpochReport> epochs, int epochsDone, Path lastCheckpoint,
                             Path model) {
    /** How the run ended. */
    public enum Status {
        /** Every requested epoch is done. */
        COMPLETED,
        /** A stop was requested; the epoch in progress was abandoned and the model was not saved. */
        STOPPED
    }

    /**
     * Copies the reports.
     *
     * @param status how the run ended
     * @param epochs the reports of the epochs this call ran; copied
     * @param epochsDone the run's epochs done in total
     * @param lastCheckpoint the newest checkpoint, or null
     * @param model where the model was saved, or null
     */
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * The last epoch's report.
     *
     * @return the report of the last epoch this call ran, or null when none ran
     */
    public EpochReport last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }
}
