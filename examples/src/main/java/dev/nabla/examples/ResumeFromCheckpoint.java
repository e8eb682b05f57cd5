package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.model.Checkpoint;
import dev.nabla.model.CheckpointDirectory;
import dev.nabla.nn.Network;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.train.TrainingRun;

import java.nio.file.Path;

/**
 * Checkpoints and resuming: three epochs with a checkpoint after each, then a new program run picks up
 * the newest checkpoint and trains to six. The result is the same, bit for bit, as six epochs straight
 * (the shuffle of each epoch depends only on the seed and the epoch, and the checkpoint holds the
 * momentum buffers).
 */
public class ResumeFromCheckpoint {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "checkpoints");
        Dataset data = SyntheticTeacher.generate(1, 1000, 8, 6, 3);
        try (Backend backend = Backends.createDefault()) {
            // A first program: three epochs, a checkpoint after each (the newest two are kept). The
            // directory belongs to this run: what an earlier run of this example left is replaced.
            try (Network net = Network.builder().layers(8, 16, 3).seed(2).build(backend)) {
                TrainingRun.builder().learningRate(1.0).momentum(0.9).batchSize(32).epochs(3).seed(4)
                        .checkpointDir(dir).overwriteCheckpoints(true).build().fit(net, data);
            }
            // Later, another program: continue from the newest checkpoint to six epochs.
            Checkpoint last = Checkpoint.load(CheckpointDirectory.latestIn(dir).orElseThrow());
            System.out.println("resuming after epoch " + last.epochsDone());
            try (Network net = last.toNetwork(backend)) {
                TrainingRun.builder().resumeFrom(last).epochs(6).checkpointDir(dir)
                        .onEpochEnd(System.out::println).build().fit(net, data);
                // The same six epochs in one go, for comparison.
                try (Network straight = Network.builder().layers(8, 16, 3).seed(2).build(backend)) {
                    TrainingRun.builder().learningRate(1.0).momentum(0.9).batchSize(32).epochs(6).seed(4)
                            .build().fit(straight, data);
                    boolean same = straight.parameters().equals(net.parameters());
                    System.out.println(same ? "resumed weights equal the straight run's, bit for bit"
                            : "resumed weights DIFFER from the straight run's");
                    if (!same) {
                        System.exit(1);
                    }
                }
            }
        }
    }
}
