package dev.nabla.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;

/**
 * How a job's tasks get the weights. Small weights ride inside the job's task binary, which Spark
 * broadcasts to the executors once per stage anyway (one broadcast per step instead of two; each
 * task deserializes its copy). Large ones get a broadcast of their own, deserialized once per
 * executor rather than once per task.
 */
abstract class WeightsRef implements Serializable {
    private static final long serialVersionUID = 1L;

    abstract Weights get();

    /** Releases what {@link #share} created. */
    void release() {
    }

    static WeightsRef share(JavaSparkContext spark, Weights weights, long inlineBytes) {
        if (weights.bytes() <= inlineBytes) {
            return new Inline(weights);
        }
        return new Shared(spark.broadcast(weights));
    }

    private static final class Inline extends WeightsRef {
        private static final long serialVersionUID = 1L;
        private final Weights weights;

        Inline(Weights weights) {
            this.weights = weights;
        }

        @Override
        Weights get() {
            return weights;
        }
    }

    private static final class Shared extends WeightsRef {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Weights> broadcast;

        Shared(Broadcast<Weights> broadcast) {
            this.broadcast = broadcast;
        }

        @Override
        Weights get() {
            return broadcast.value();
        }

        @Override
        void release() {
            broadcast.destroy();
        }
    }
}
