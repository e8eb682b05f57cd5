package dev.nabla.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM during training: a shutdown hook asks the training run to stop after the step in
 * progress and waits (up to a minute) for the command to finish cleanly, so that a checkpoint
 * being written is completed and the last good one stays. The JVM then exits with the signal's
 * status (130 for Ctrl-C, 143 for SIGTERM).
 */
final class StopOnSignal implements AutoCloseable {
    private static final long WAIT_SECONDS = 60;

    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean signalled;

    private StopOnSignal(Runnable requestStop) {
        hook = new Thread(() -> {
            signalled = true;
            requestStop.run();
            try {
                finished.await(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nabla-stop-on-signal");
    }

    /** Installs the hook when {@code enabled} (the real command line, not tests in one JVM). */
    static StopOnSignal install(Runnable requestStop, boolean enabled) {
        StopOnSignal s = new StopOnSignal(requestStop);
        if (enabled) {
            Runtime.getRuntime().addShutdownHook(s.hook);
        }
        return s;
    }

    /** Whether the stop came from a signal. */
    boolean signalled() {
        return signalled;
    }

    /** The command is done: release a waiting hook, or remove the hook if no signal came. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Shutdown in progress: the hook is running and now returns.
        }
    }
}
