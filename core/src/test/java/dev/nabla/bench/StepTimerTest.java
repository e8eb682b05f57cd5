package dev.nabla.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StepTimerTest {
    /** A step of 8 rows that advances a fake clock by 2 ms, so the true rate is 4000 samples/s. */
    static final class FakeStep implements TrainingStep {
        final AtomicLong clock;
        long runs;

        FakeStep(AtomicLong clock) {
            this.clock = clock;
        }

        @Override
        public int batch() {
            return 8;
        }

        @Override
        public double run() {
            runs++;
            clock.addAndGet(2_000_000);
            return 0.25;
        }

        @Override
        public String description() {
            return "fake";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void measuresTheMedianRoundAfterTheWarmUp() {
        AtomicLong clock = new AtomicLong();
        FakeStep step = new FakeStep(clock);
        StepTimer.Measurement m = new StepTimer(clock::get).measure(step, 10_000_000, 20_000_000, 3);
        assertEquals(4000, m.samplesPerSecond(), 1e-9);
        assertEquals(4000, m.slowestRound(), 1e-9);
        assertEquals(30, m.steps()); // 3 rounds of 10 steps of 2 ms
        assertEquals(35, step.runs); // plus 5 warm-up steps
        assertEquals(0.06, m.seconds(), 1e-12);
        assertEquals(0.25, m.lastLoss());
    }

    @Test
    void aSlowStepStillRunsOncePerRound() {
        AtomicLong clock = new AtomicLong();
        FakeStep step = new FakeStep(clock);
        StepTimer.Measurement m = new StepTimer(clock::get).measure(step, 0, 1, 4);
        assertEquals(4, m.steps());
        assertEquals(5, step.runs);
    }

    @Test
    void warmUpRunsForTheGivenTimeAndReportsTheFastestStep() {
        AtomicLong clock = new AtomicLong();
        FakeStep step = new FakeStep(clock);
        assertEquals(2_000_000, new StepTimer(clock::get).warmUp(step, 7_000_000));
        assertEquals(4, step.runs);
    }

    @Test
    void warmUpTakesASecondStepUnlessTheFirstOutlastsTheBudget() {
        AtomicLong clock = new AtomicLong();
        FakeStep step = new FakeStep(clock); // 2 ms a step
        new StepTimer(clock::get).warmUp(step, 1_000_000);
        assertEquals(2, step.runs, "a 2 ms first step within 3 x 1 ms: one more");
        step.runs = 0;
        new StepTimer(clock::get).warmUp(step, 500_000);
        assertEquals(1, step.runs, "a 2 ms first step beyond 3 x 0.5 ms: no more");
    }

    @Test
    void rejectsNonsense() {
        AtomicLong clock = new AtomicLong();
        assertThrows(IllegalArgumentException.class,
                () -> new StepTimer(clock::get).measure(new FakeStep(clock), 0, 1, 0));
    }
}
