package dev.nabla.data;

import java.util.SplittableRandom;

/** A training set and a held-out validation set drawn from one data set. */
public record HoldOut(Dataset train, Dataset validation) {
    /**
     * Moves a seeded random {@code fraction} of the rows (rounded, at least one, leaving at least
     * one) to the validation set; both keep the original row order. Random rather than the last rows
     * because files are often sorted by class.
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
        int in = data.inputs();
        int out = data.outputs();
        int train = rows - val;
        float[] tx = new float[Math.multiplyExact(train, in)];
        float[] ty = new float[Math.multiplyExact(train, out)];
        float[] vx = new float[Math.multiplyExact(val, in)];
        float[] vy = new float[Math.multiplyExact(val, out)];
        int ti = 0;
        int vi = 0;
        for (int r = 0; r < rows; r++) {
            if (held[r]) {
                System.arraycopy(data.features(), r * in, vx, vi * in, in);
                System.arraycopy(data.targets(), r * out, vy, vi * out, out);
                vi++;
            } else {
                System.arraycopy(data.features(), r * in, tx, ti * in, in);
                System.arraycopy(data.targets(), r * out, ty, ti * out, out);
                ti++;
            }
        }
        return new HoldOut(new Dataset(train, in, out, tx, ty), new Dataset(val, in, out, vx, vy));
    }
}
