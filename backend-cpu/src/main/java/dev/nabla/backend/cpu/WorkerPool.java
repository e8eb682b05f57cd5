package dev.nabla.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool of the machine's width for fork-join parallel loops: the calling thread runs
 * part 0 of a job and {@code parts - 1} parked workers run the rest. Nothing is allocated per job,
 * and a job of one part runs inline without touching another thread, so many small calls pay no
 * task-submission cost.
 *
 * <p>Workers spin briefly after a job (the next op of a training step usually follows within
 * microseconds) and then park, so an idle pool costs no CPU.
 */
final class WorkerPool implements AutoCloseable {
    /** One parallel job; {@link #run} is called once per part, concurrently. */
    interface Job {
        void run(int part, int parts);
    }

    /**
     * Spin iterations (Thread.onSpinWait) before a thread parks: about 0.3 ms on the dev machine
     * (measured), longer than the gap between the GEMMs of a training step (microseconds), so a
     * worker is still awake for the next one, and short enough that an idle pool costs nothing.
     */
    private static final int SPINS = 1 << 14;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread waiter;
    private volatile Throwable failure;
    private volatile boolean closed;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code job} as {@code parts} parts (1 <= parts <= threads) and returns when all are done,
     * rethrowing the first failure. Not reentrant: one job at a time (a backend is used from one
     * thread at a time).
     */
    void run(int parts, Job job) {
        if (parts <= 1 || workers.length == 0) {
            for (int p = 0; p < Math.max(parts, 1); p++) {
                job.run(p, Math.max(parts, 1));
            }
            return;
        }
        if (closed) {
            throw new IllegalStateException("the cpu backend's worker pool is closed");
        }
        parts = Math.min(parts, threads);
        failure = null;
        waiter = Thread.currentThread();
        pending.set(parts - 1);
        for (int p = 1; p < parts; p++) {
            workers[p - 1].submit(job, parts);
        }
        try {
            job.run(0, parts);
        } catch (RuntimeException | Error e) {
            awaitWorkers();
            throw e;
        }
        awaitWorkers();
        Throwable f = failure;
        if (f instanceof RuntimeException) {
            throw (RuntimeException) f;
        }
        if (f instanceof Error) {
            throw (Error) f;
        }
    }

    private void awaitWorkers() {
        for (int spin = 0; pending.get() != 0; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            w.interrupt();
        }
    }

    private final class Worker extends Thread {
        private volatile Job job;
        private volatile int parts;
        private final int part;

        Worker(int part) {
            super("nabla-cpu-worker-" + part);
            this.part = part;
            setDaemon(true);
        }

        void submit(Job j, int n) {
            parts = n;
            job = j;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (!closed) {
                Job j = job;
                for (int spin = 0; j == null && !closed; spin++) {
                    if (spin < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    j = job;
                }
                if (j == null) {
                    return;
                }
                try {
                    j.run(part, parts);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    job = null;
                    if (pending.decrementAndGet() == 0) {
                        LockSupport.unpark(waiter);
                    }
                }
            }
        }
    }
}
