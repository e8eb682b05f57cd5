package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.Network;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.train.TrainingRun;
import java.nio.file.Path;

public class QuickStart {
    public static void main(String[] args) throws Exception {
        Dataset xor = Dataset.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new float[][] {{0}, {1}, {1}, {0}});
        try (Backend backend = Backends.createDefault();   // cpu, or -Dnabla.backend=ID / NABLA_BACKEND
             Network net = Network.builder().layers(2, 8, 1).seed(1).build(backend)) {
            TrainingRun.builder().learningRate(2.0).momentum(0.9).batchSize(4).epochs(1000)
                    .onEpochEnd(r -> { if (r.epoch() % 250 == 0) System.out.println(r); })
                    .build().fit(net, xor);
            float[][] out = net.predict(new float[][] {{0, 1}, {1, 1}});
            System.out.printf("on %s: xor(0,1) = %.3f, xor(1,1) = %.3f%n", backend.id(), out[0][0], out[1][0]);
            ModelFile.save(Path.of("xor.safetensors"), net);
        }
        try (Backend backend = Backends.create("reference");
             Network loaded = ModelFile.load(Path.of("xor.safetensors"), backend)) {
            System.out.printf("reloaded on reference: xor(1,0) = %.3f%n", loaded.predict(new float[][] {{1, 0}})[0][0]);
        }
    }
}
