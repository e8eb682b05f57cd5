package dev.nabla.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A training run's JSON log: one JSON object per line and per epoch (JSON Lines), flushed as it is
 * written, so a crash loses at most the epoch in progress. A resumed run appends. A failed write
 * (the disk filled up) does not stop the run: the log is abandoned and the run's listeners are
 * warned.
 */
final class JsonLog implements AutoCloseable {
    private final Path file;
    private final BufferedWriter writer;
    /** Set when a write failed (a full disk): the log is then abandoned, not the run. */
    private boolean failed;

    JsonLog(Path file, boolean append) throws IOException {
        this.file = file;
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * One epoch: {@code epoch} is 1-based, as printed; {@code valLoss}/{@code valAccuracy} are NaN
     * when absent (no validation set; targets not one-hot) and then left out.
     */
    String epoch(EpochReport r) {
        if (failed) {
            return null;
        }
        Evaluation v = r.validation();
        try {
            epoch(r.epoch(), r.loss(), v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.accuracy(),
                    r.samplesPerSecond(), r.seconds());
            return null;
        } catch (IOException e) {
            failed = true;
            return "cannot write the JSON log " + file + " (" + dev.nabla.io.AtomicFiles.reason(e) + ") after epoch "
                    + r.epoch() + "; training goes on without it";
        }
    }

    private void epoch(int epoch, double loss, double valLoss, double valAccuracy, double samplesPerSecond,
                       double seconds) throws IOException {
        StringBuilder b = new StringBuilder("{\"epoch\":").append(epoch);
        field(b, "loss", loss);
        field(b, "val_loss", valLoss);
        field(b, "val_accuracy", valAccuracy);
        field(b, "samples_per_s", samplesPerSecond);
        field(b, "seconds", seconds);
        b.append('}');
        writer.write(b.toString());
        writer.newLine();
        writer.flush();
    }

    private static void field(StringBuilder b, String name, double v) {
        if (Double.isFinite(v)) {
            b.append(",\"").append(name).append("\":").append(v); // Double.toString is valid JSON when finite
        }
    }

    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } catch (IOException e) {
            if (!failed) {
                throw e;
            }
        }
    }
}
