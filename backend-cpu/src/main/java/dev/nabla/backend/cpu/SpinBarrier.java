package dev.nabla.backend.cpu;

/**
 * A reusable barrier for the few threads of one parallel job: they spin briefly (the parts of a GEMM
 * block finish within microseconds of each other), then yield. The last thread to arrive runs the
 * trip action before releasing the others, so what it does is visible to all of them.
 */
final class SpinBarrier {
    private static final int SPINS_BEFORE_YIELD = 1 << 12;

    private final Runnable onTrip;
    private final java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int generation;
    private volatile boolean aborted;

    SpinBarrier(Runnable onTrip) {
        this.onTrip = onTrip;
    }

    /** Waits until {@code parties} threads have called this for the current generation. */
    void await(int parties) {
        int gen = generation;
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            onTrip.run();
            generation = gen + 1;
            return;
        }
        for (int spin = 0; generation == gen; spin++) {
            if (aborted) {
                throw new IllegalStateException("another thread of this parallel operation failed");
            }
            if (spin < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Releases every waiting thread with an exception (a part failed and will never arrive). */
    void abort() {
        aborted = true;
    }

    /** Makes the barrier usable again after an abort. */
    void reset() {
        aborted = false;
        arrived.set(0);
    }
}
