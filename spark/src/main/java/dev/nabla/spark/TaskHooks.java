package dev.nabla.spark;

import org.apache.spark.TaskContext;

/**
 * A test-only hook run in the middle of every step task in this JVM (so only on {@code local}
 * masters), after the task has set its worker's weights: tests make a chosen task attempt fail
 * halfway to check that Spark's retry gives the same result.
 */
final class TaskHooks {
    @FunctionalInterface
    interface Hook {
        /**
         * Called in a task before its work, where a test may throw to fail that attempt.
         *
         * @param step      the engine's step (sync) or round (average) counter, from 0 in each run
         * @param partition the partition
         * @param attempt   {@code TaskContext.attemptNumber()}: 0 on the first try
         */
        void beforeTask(long step, int partition, int attempt);
    }

    static volatile Hook hook;

    private TaskHooks() {
    }

    static void beforeTask(long step, int partition) {
        Hook h = hook;
        if (h != null) {
            TaskContext task = TaskContext.get();
            h.beforeTask(step, partition, task == null ? 0 : task.attemptNumber());
        }
    }
}
