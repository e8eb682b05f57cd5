package dev.nabla.train;

import java.nio.file.Path;
import java.util.List;

/**
 * A run was pointed at a checkpoint directory that holds another run's checkpoints. Nothing was
 * written or deleted; the choices are to resume that run, use another directory, or allow
 * overwriting ({@link TrainingRun.Builder#overwriteCheckpoints}).
 */
public final class CheckpointDirectoryTakenException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Path dir;

    CheckpointDirectoryTakenException(Path dir, List<Integer> epochs, boolean resuming) {
        super("checkpoint directory " + dir + " holds " + (resuming ? "another run's checkpoints" : "checkpoints of an "
                + "earlier run") + " (" + describe(epochs) + ")" + (resuming
                ? ": resume from that directory's newest checkpoint or use another directory"
                : ": resume that run, use another directory, or allow overwriting them"));
        this.dir = dir;
    }

    private static String describe(List<Integer> epochs) {
        if (epochs.size() == 1) {
            return "epoch " + epochs.get(0);
        }
        return "epochs " + epochs.get(0) + " to " + epochs.get(epochs.size() - 1);
    }

    /**
     * The directory refused.
     *
     * @return its path; null after deserialization (not serialized)
     */
    public Path dir() {
        return dir;
    }
}
