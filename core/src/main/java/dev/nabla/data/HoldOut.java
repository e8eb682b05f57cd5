package dev.nabla.data;

import java.util.SplittableRandom;

/**
 * A training set and a held-out validation set drawn from one data set.
 *
 * @param train the rows kept for training
 * @param validation the rows held out
 */
public record HoldOut(Dataset train, Dataset validation) {
    /**
     * Moves a seeded random {@code fraction} of the rows (rounded, at least one, leaving at least
     * one) to the validation set; both keep the original row order and the data set's precision.
     * Random rather than the last rows because files are often sorted by class. The same data,
     * fraction and seed give the same split.
     *
     * @param data the data set to split; it needs at least two rows
     * @param fraction the share of rows to hold out, strictly between 0 and 1
     * @param seed the seed of the draw
     * @return the two sets, copies of the rows
     * @throws IllegalArgumentException if {@code fraction} is not in (0, 1), or rounds to no
     *     validation row or no training row
     */
    public static HoldOut split(Dataset data, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("--val-fraction must be between 0 and 1 (exclusive), got " + fraction);
        }
        int rows = data.rows();
        long wanted = Math.round(rows * fraction);
        if (wanted < 1 || wanted >= rows) {
            throw new IllegalArgumentException("--val-fraction " + fraction + " of " + rows + " rows leaves "
                    + (wanted < 1 ? "no validation row" : "no training row"));
        }
        int val = (int) wanted;
        boolean[] held = new boolean[rows];
        // Floyd's sampling: exactly `val` distinct rows from a seeded generator.
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int j = rows - val; j < rows; j++) {
            int t = random.nextInt(j + 1);
            if (held[t]) {
                held[j] = true;
            } else {
                held[t] = true;
            }
        }
        int[] trainRows = new int[rows - val];
        int[] valRows = new int[val];
        int ti = 0;
        int vi = 0;
        for (int r = 0; r < rows; r++) {
            if (held[r]) {
                valRows[vi++] = r;
            } else {
                trainRows[ti++] = r;
            }
        }
        return new HoldOut(data.select(trainRows), data.select(valRows));
    }
}
