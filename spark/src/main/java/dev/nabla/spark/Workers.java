package dev.nabla.spark;

import org.apache.spark.TaskContext;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor JVM's {@link Worker}s, kept across steps, tasks and runs: a task borrows one for
 * its spec (creating it the first time, so a backend starts once per task slot, not once per task)
 * and gives it back when done. A task that fails drops its worker instead, since it may have
 * stopped halfway through a step.
 */
final class Workers {
    /** Specs whose idle workers are kept; older ones are closed when more arrive. */
    private static final int KEPT_SPECS = 4;
    /** Workers created in this JVM (tests check that steps reuse them). */
    static final AtomicInteger CREATED = new AtomicInteger();

    private static final Map<WorkerSpec, Deque<Worker>> IDLE = new ConcurrentHashMap<>();
    private static final Deque<WorkerSpec> RECENT = new ConcurrentLinkedDeque<>();

    private Workers() {
    }

    static Worker borrow(WorkerSpec spec) {
        touch(spec);
        Worker w = IDLE.computeIfAbsent(spec, s -> new ConcurrentLinkedDeque<>()).pollFirst();
        if (w != null) {
            return w;
        }
        int threads = spec.threads();
        if (threads <= 0) {
            TaskContext task = TaskContext.get();
            threads = task != null ? Math.max(1, task.cpus()) : 1;
        }
        Worker created = new Worker(spec, threads);
        CREATED.incrementAndGet();
        return created;
    }

    static void giveBack(Worker w) {
        IDLE.computeIfAbsent(w.spec, s -> new ConcurrentLinkedDeque<>()).addFirst(w);
    }

    static void drop(Worker w) {
        try {
            w.close();
        } catch (RuntimeException ignored) {
            // it failed already; the task's own error is the one that matters
        }
    }

    private static synchronized void touch(WorkerSpec spec) {
        if (spec.equals(RECENT.peekFirst())) {
            return;
        }
        RECENT.remove(spec);
        RECENT.addFirst(spec);
        List<WorkerSpec> stale = new ArrayList<>();
        while (RECENT.size() > KEPT_SPECS) {
            stale.add(RECENT.pollLast());
        }
        for (WorkerSpec s : stale) {
            Deque<Worker> idle = IDLE.remove(s);
            if (idle != null) {
                idle.forEach(Workers::drop);
            }
        }
    }
}
