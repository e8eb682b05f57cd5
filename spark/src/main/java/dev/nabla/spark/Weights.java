package dev.nabla.spark;

import dev.nabla.nn.Parameters;
import dev.nabla.tensor.DType;

import java.io.Serializable;

/**
 * The weights (and in {@code average} mode the momentum buffers) the driver broadcasts before a
 * step or a round, in the network's dtype: a float32 network's values are float32 numbers, so
 * sending them as floats halves the bytes and loses nothing.
 */
final class Weights implements Serializable {
    private static final long serialVersionUID = 1L;

    /** float[] or double[]. */
    private final Object parameters;
    /** float[] or double[], or null: no momentum, or no step taken yet (zeros). */
    private final Object velocities;

    private Weights(Object parameters, Object velocities) {
        this.parameters = parameters;
        this.velocities = velocities;
    }

    static Weights of(Parameters p, DType dtype, Parameters velocities) {
        return new Weights(pack(p, dtype), velocities == null ? null : pack(velocities, dtype));
    }

    private static Object pack(Parameters p, DType dtype) {
        return dtype == DType.FLOAT32 ? Flat.floatsOf(p) : Flat.of(p);
    }

    private static void unpack(Object values, Parameters into) {
        if (values instanceof float[] f) {
            Flat.read(f, into);
        } else {
            Flat.read((double[]) values, 0, 1, into);
        }
    }

    /** Writes the weights into {@code p}. */
    void parametersInto(Parameters p) {
        unpack(parameters, p);
    }

    /** Writes the momentum buffers into {@code v}; false (and {@code v} untouched) when there are none. */
    boolean velocitiesInto(Parameters v) {
        if (velocities == null) {
            return false;
        }
        unpack(velocities, v);
        return true;
    }

    /** Payload bytes. */
    long bytes() {
        return bytes(parameters) + (velocities == null ? 0 : bytes(velocities));
    }

    private static long bytes(Object values) {
        return values instanceof float[] f ? 4L * f.length : 8L * ((double[]) values).length;
    }
}
