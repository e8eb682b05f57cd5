package dev.nabla.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress within an epoch: on a terminal a progress bar (samples/s and ETA) on standard error,
 * cleared when the epoch ends; otherwise a plain line every {@code plainIntervalSeconds} for
 * epochs long enough to need one.
 */
final class EpochProgress implements AutoCloseable {
    private final PrintStream terminal;
    private final PrintWriter plain;
    private final double plainIntervalSeconds;
    private final int epochs;
    private final int rows;
    private final int batchSize;
    private ProgressBar bar;
    private long epochStart;
    private long lastPlain;
    private long done;

    /** {@code terminal} is null when output is not a terminal; then progress goes to {@code plain}. */
    EpochProgress(PrintStream terminal, PrintWriter plain, double plainIntervalSeconds, int epochs, int rows,
                  int batchSize) {
        this.terminal = terminal;
        this.plain = plain;
        this.plainIntervalSeconds = plainIntervalSeconds;
        this.epochs = epochs;
        this.rows = rows;
        this.batchSize = Math.min(batchSize, rows);
    }

    void start(int epoch) {
        done = 0;
        epochStart = System.nanoTime();
        lastPlain = epochStart;
        if (terminal != null) {
            bar = new ProgressBarBuilder()
                    .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
                    .setInitialMax(rows)
                    .setUnit(" samples", 1)
                    .showSpeed()
                    .setUpdateIntervalMillis(250)
                    .clearDisplayOnFinish()
                    .setConsumer(new ConsoleProgressBarConsumer(terminal))
                    .build();
        }
    }

    void batchDone(int epoch, int batch) {
        long n = Math.min(batchSize, rows - (long) batch * batchSize);
        done += n;
        if (bar != null) {
            bar.stepBy(n);
            return;
        }
        long now = System.nanoTime();
        if ((now - lastPlain) / 1e9 >= plainIntervalSeconds && done < rows) {
            lastPlain = now;
            double seconds = (now - epochStart) / 1e9;
            double speed = done / seconds;
            plain.printf(Locale.ROOT, "epoch %d/%d: %d/%d samples (%.0f%%), %,.0f samples/s, ETA %s%n", epoch + 1,
                    epochs, done, rows, 100.0 * done / rows, speed, duration((rows - done) / speed));
            plain.flush();
        }
    }

    /** Ends the bar of the current epoch, if any (also when the epoch was interrupted). */
    void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        finish();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
