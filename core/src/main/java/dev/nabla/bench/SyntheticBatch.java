package dev.nabla.bench;

import java.util.SplittableRandom;

/**
 * The benchmark's mini-batch: inputs and targets drawn uniformly from [0, 1) by a seeded RNG, the
 * same numbers for every backend and peer. Random targets keep the sigmoids away from saturation,
 * so the step's cost does not drift while JMH repeats it (no subnormal deltas).
 */
public final class SyntheticBatch {
    /** The seed of the batch and of the initial weights in every benchmark. */
    public static final long SEED = 42;

    private final float[] features;
    private final float[] targets;

    private SyntheticBatch(float[] features, float[] targets) {
        this.features = features;
        this.targets = targets;
    }

    /**
     * The batch of a workload, drawn from {@link #SEED}: features first, then targets.
     *
     * @param w the workload, giving the batch size and the widths
     * @return a new batch, in float32 (widened exactly for float64 workloads)
     */
    public static SyntheticBatch of(Workload w) {
        SplittableRandom random = new SplittableRandom(SEED);
        float[] x = new float[Math.multiplyExact(w.batch(), w.inputs())];
        float[] y = new float[Math.multiplyExact(w.batch(), w.outputs())];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) random.nextDouble();
        }
        return new SyntheticBatch(x, y);
    }

    /**
     * The inputs.
     *
     * @return [batch, inputs] row-major; the live array
     */
    public float[] features() {
        return features;
    }

    /**
     * The targets.
     *
     * @return [batch, outputs] row-major; the live array
     */
    public float[] targets() {
        return targets;
    }
}
