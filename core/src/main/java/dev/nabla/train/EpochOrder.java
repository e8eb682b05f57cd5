package dev.nabla.train;

import java.util.SplittableRandom;

/**
 * The order in which an epoch visits the rows: a Fisher-Yates shuffle seeded by (seed, epoch)
 * alone, so a resumed run and every machine of a cluster see the same batches.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /**
     * The row order of 0-based epoch {@code epoch}.
     *
     * @param rows the number of rows, at least 0
     * @param seed the run's seed
     * @param epoch the epoch, from 0
     * @return a permutation of 0 .. rows - 1, the same for the same arguments on every JVM
     */
    public static int[] shuffled(int rows, long seed, int epoch) {
        int[] order = new int[rows];
        shuffleInto(order, seed, epoch);
        return order;
    }

    /**
     * The order of a run without shuffling: 0, 1, ..., rows - 1.
     *
     * @param rows the number of rows, at least 0
     * @return the identity permutation
     */
    public static int[] identity(int rows) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * Overwrites {@code order} with epoch {@code epoch}'s shuffle of 0 .. order.length - 1, as
     * {@link #shuffled} returns it, without allocating.
     *
     * @param order the array to fill; its length is the number of rows
     * @param seed the run's seed
     * @param epoch the epoch, from 0
     */
    public static void shuffleInto(int[] order, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
