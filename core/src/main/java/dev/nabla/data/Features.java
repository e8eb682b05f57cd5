package dev.nabla.data;

/** Inputs without targets (what `predict` reads): {@code values} [rows, inputs], row-major. */
public final class Features {
    private final int rows;
    private final int inputs;
    private final float[] values;

    public Features(int rows, int inputs, float[] values) {
        if (rows <= 0 || inputs <= 0 || values.length != (long) rows * inputs) {
            throw new IllegalArgumentException("features of " + rows + " rows x " + inputs + " inputs cannot hold "
                    + values.length + " values");
        }
        this.rows = rows;
        this.inputs = inputs;
        this.values = values;
    }

    /** The inputs of a labelled data set (shares its array). */
    public static Features of(Dataset data) {
        return new Features(data.rows(), data.inputs(), data.features());
    }

    public int rows() {
        return rows;
    }

    public int inputs() {
        return inputs;
    }

    /** The live array [rows, inputs]. */
    public float[] values() {
        return values;
    }
}
