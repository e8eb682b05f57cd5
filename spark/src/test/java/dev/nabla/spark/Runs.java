package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.StepEngine;
import dev.nabla.train.TrainingResult;
import dev.nabla.train.TrainingRun;
import dev.nabla.train.TrainingSettings;

import java.io.IOException;
import java.io.UncheckedIOException;

/** One training run through TrainingRun, on one machine or with a given engine, and its final weights. */
final class Runs {
    record Outcome(Parameters parameters, TrainingResult result) {
    }

    private Runs() {
    }

    static Outcome train(String backendId, DType dtype, Loss loss, int[] sizes, long seed, TrainingSettings settings,
                         Dataset data, StepEngine.Factory engine) {
        try (Backend backend = Backends.create(backendId);
             Network net = Network.builder().layers(sizes).dtype(dtype).loss(loss).seed(seed).build(backend)) {
            TrainingRun.Builder run = TrainingRun.builder().settings(settings);
            if (engine != null) {
                run.engine(engine);
            }
            TrainingResult result = run.build().fit(net, data);
            return new Outcome(net.parameters(), result);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** max |a - b| over all parameters, divided by max |a|. */
    static double relativeDifference(Parameters a, Parameters b) {
        double diff = 0;
        double scale = 0;
        for (int l = 0; l < a.layers(); l++) {
            double[][] as = {a.weight(l), a.bias(l)};
            double[][] bs = {b.weight(l), b.bias(l)};
            for (int t = 0; t < 2; t++) {
                for (int i = 0; i < as[t].length; i++) {
                    diff = Math.max(diff, Math.abs(as[t][i] - bs[t][i]));
                    scale = Math.max(scale, Math.abs(as[t][i]));
                }
            }
        }
        return diff / scale;
    }
}
