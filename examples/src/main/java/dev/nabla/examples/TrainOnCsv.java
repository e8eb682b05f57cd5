package dev.nabla.examples;

import dev.nabla.data.CsvFormat;
import dev.nabla.data.CsvLoader;
import dev.nabla.data.Dataset;
import dev.nabla.data.HoldOut;
import dev.nabla.nn.Network;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.Loss;
import dev.nabla.train.Evaluation;
import dev.nabla.train.Evaluator;
import dev.nabla.train.TrainingRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training on a CSV file: a header, two input columns and a class column, read with a label column
 * that becomes one-hot targets, 20% held out for validation, a bce network, its accuracy. The file is
 * written first (three noisy clusters) so the example needs nothing else; pass a path to use yours.
 */
public class TrainOnCsv {
    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : writeClusters(Path.of("clusters.csv"));
        Dataset all = CsvLoader.load(file, CsvFormat.defaults().withLabelColumn("class", 3));
        HoldOut split = HoldOut.split(all, 0.2, 42);
        try (Backend backend = Backends.createDefault();
             Network net = Network.builder().layers(2, 16, 3).loss(Loss.BCE).build(backend)) {
            TrainingRun.builder().learningRate(0.5).batchSize(32).epochs(30)
                    .validation(split.validation())
                    .onEpochEnd(r -> {
                        if (r.epoch() % 10 == 0) {
                            System.out.println(r);
                        }
                    })
                    .build().fit(net, split.train());
            Evaluation e = Evaluator.evaluate(net, split.validation(), 256);
            System.out.printf(Locale.ROOT, "validation: %d rows, accuracy %.1f%%%n", e.rows(), 100 * e.accuracy());
        }
    }

    /** 600 rows around three centres, with a header line. */
    static Path writeClusters(Path file) throws java.io.IOException {
        SplittableRandom random = new SplittableRandom(1);
        double[][] centres = {{0.2, 0.2}, {0.8, 0.3}, {0.5, 0.8}};
        StringBuilder csv = new StringBuilder("x,y,class\n");
        for (int i = 0; i < 600; i++) {
            int c = i % 3;
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%d%n", centres[c][0] + 0.08 * random.nextGaussian(),
                    centres[c][1] + 0.08 * random.nextGaussian(), c));
        }
        return Files.writeString(file, csv);
    }
}
