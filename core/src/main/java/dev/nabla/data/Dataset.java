package dev.nabla.data;

/**
 * Examples held on the host in compact float32 arrays, row-major: {@code features} [rows, inputs]
 * and {@code targets} [rows, outputs]. Mini-batches are gathered from here into reused backend
 * tensors.
 */
public final class Dataset {
    private final int rows;
    private final int inputs;
    private final int outputs;
    private final float[] features;
    private final float[] targets;

    public Dataset(int rows, int inputs, int outputs, float[] features, float[] targets) {
        if (rows <= 0 || inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException("a dataset needs at least one row, input and output, got rows=" + rows
                    + " inputs=" + inputs + " outputs=" + outputs);
        }
        if (features.length != (long) rows * inputs || targets.length != (long) rows * outputs) {
            throw new IllegalArgumentException("dataset arrays hold " + features.length + " features and "
                    + targets.length + " targets, expected " + (long) rows * inputs + " and " + (long) rows * outputs);
        }
        this.rows = rows;
        this.inputs = inputs;
        this.outputs = outputs;
        this.features = features;
        this.targets = targets;
    }

    public int rows() {
        return rows;
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /** The live feature array [rows, inputs]. */
    public float[] features() {
        return features;
    }

    /** The live target array [rows, outputs]. */
    public float[] targets() {
        return targets;
    }

    /**
     * Copies the rows {@code order[from .. from+count)} into {@code x} [count, inputs] and {@code y}
     * [count, outputs].
     */
    public void gather(int[] order, int from, int count, float[] x, float[] y) {
        for (int i = 0; i < count; i++) {
            int r = order[from + i];
            System.arraycopy(features, r * inputs, x, i * inputs, inputs);
            System.arraycopy(targets, r * outputs, y, i * outputs, outputs);
        }
    }

    /** The rows {@code [from, to)} as a new dataset (copies). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > rows || from >= to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of a dataset of " + rows + " rows");
        }
        float[] x = java.util.Arrays.copyOfRange(features, from * inputs, to * inputs);
        float[] y = java.util.Arrays.copyOfRange(targets, from * outputs, to * outputs);
        return new Dataset(to - from, inputs, outputs, x, y);
    }

    /** Whether every target row is one-hot (one 1, the rest 0): then accuracy (argmax) is meaningful. */
    public boolean isOneHot() {
        for (int r = 0; r < rows; r++) {
            int ones = 0;
            for (int o = r * outputs, end = o + outputs; o < end; o++) {
                float t = targets[o];
                if (t == 1f) {
                    ones++;
                } else if (t != 0f) {
                    return false;
                }
            }
            if (ones != 1) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Dataset[" + rows + " rows, " + inputs + " -> " + outputs + "]";
    }
}
