package dev.nabla.bench;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A short, honest-enough timing of a {@link TrainingStep} for {@code nabla bench}: a warm-up, then
 * several timed rounds, reporting the median round. It has none of JMH's safeguards (forks, error
 * bars); the benchmarks module measures properly.
 */
public final class StepTimer {
    private final LongSupplier nanoTime;

    /** A timer on {@link System#nanoTime()}. */
    public StepTimer() {
        this(System::nanoTime);
    }

    /**
     * A timer reading {@code nanoTime} (tests pass a fake clock).
     *
     * @param nanoTime the clock, in nanoseconds
     */
    public StepTimer(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The result: the median round's samples/s, the slowest and fastest rounds, and the steps timed. */
    public static final class Measurement {
        private final double samplesPerSecond;
        private final double slowest;
        private final double fastest;
        private final long steps;
        private final double seconds;
        private final double lastLoss;

        Measurement(double[] rates, long steps, double seconds, double lastLoss) {
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            this.samplesPerSecond = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            this.slowest = sorted[0];
            this.fastest = sorted[n - 1];
            this.steps = steps;
            this.seconds = seconds;
            this.lastLoss = lastLoss;
        }

        /**
         * The median round's throughput.
         *
         * @return samples per second (steps x batch / seconds)
         */
        public double samplesPerSecond() {
            return samplesPerSecond;
        }

        /**
         * The slowest round's throughput.
         *
         * @return samples per second
         */
        public double slowestRound() {
            return slowest;
        }

        /**
         * The fastest round's throughput.
         *
         * @return samples per second
         */
        public double fastestRound() {
            return fastest;
        }

        /**
         * Steps in the timed rounds (warm-up excluded).
         *
         * @return the number of steps
         */
        public long steps() {
            return steps;
        }

        /**
         * Seconds spent in the timed rounds.
         *
         * @return the total time of the rounds
         */
        public double seconds() {
            return seconds;
        }

        /**
         * The loss of the last step, so callers can check the step computed something finite.
         *
         * @return the last mini-batch loss
         */
        public double lastLoss() {
            return lastLoss;
        }
    }

    /**
     * Runs {@code step} for at least {@code warmupNanos} (and one step), then {@code rounds} rounds of
     * at least {@code roundNanos} (and one step) each.
     *
     * @param step the step to time
     * @param warmupNanos the warm-up, in nanoseconds, at least 0
     * @param roundNanos the least length of a round, in nanoseconds, at least 0
     * @param rounds the number of timed rounds, at least 1
     * @return the median and extreme rounds
     * @throws IllegalArgumentException if {@code rounds} is not positive or a duration is negative
     */
    public Measurement measure(TrainingStep step, long warmupNanos, long roundNanos, int rounds) {
        if (rounds <= 0 || warmupNanos < 0 || roundNanos < 0) {
            throw new IllegalArgumentException("rounds must be positive and durations non-negative");
        }
        double loss = runFor(step, warmupNanos)[1];
        double[] rates = new double[rounds];
        long totalSteps = 0;
        long totalNanos = 0;
        for (int r = 0; r < rounds; r++) {
            long start = nanoTime.getAsLong();
            double[] stepsAndLoss = runFor(step, roundNanos);
            long elapsed = Math.max(1, nanoTime.getAsLong() - start);
            long steps = (long) stepsAndLoss[0];
            loss = stepsAndLoss[1];
            rates[r] = steps * (double) step.batch() * 1e9 / elapsed;
            totalSteps += steps;
            totalNanos += elapsed;
        }
        return new Measurement(rates, totalSteps, totalNanos / 1e9, loss);
    }

    /**
     * Runs {@code step} for at least {@code nanos} to warm it up, and at least two steps (a cold
     * backend's first step pays for JIT compilation and thread start-up) unless the first alone
     * took more than three times {@code nanos}. Returns how long its fastest step took: an estimate
     * of a warm step, for sizing the timed rounds, that one stalled step cannot inflate.
     *
     * @param step the step to warm up
     * @param nanos the warm-up, in nanoseconds
     * @return the fastest step's time, in nanoseconds
     */
    public long warmUp(TrainingStep step, long nanos) {
        long start = nanoTime.getAsLong();
        long fastest = Long.MAX_VALUE;
        int steps = 0;
        long elapsed;
        do {
            long before = nanoTime.getAsLong();
            step.run();
            fastest = Math.min(fastest, nanoTime.getAsLong() - before);
            steps++;
            elapsed = nanoTime.getAsLong() - start;
        } while (elapsed < nanos || (steps < 2 && elapsed <= 3 * nanos));
        return fastest;
    }

    /** Steps until {@code nanos} have passed (at least one); returns {steps, last loss}. */
    private double[] runFor(TrainingStep step, long nanos) {
        long start = nanoTime.getAsLong();
        long steps = 0;
        double loss;
        do {
            loss = step.run();
            steps++;
        } while (nanoTime.getAsLong() - start < nanos);
        return new double[] {steps, loss};
    }
}
