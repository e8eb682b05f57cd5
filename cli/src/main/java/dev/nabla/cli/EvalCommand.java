package dev.nabla.cli;

import dev.nabla.data.DataSource;
import dev.nabla.data.Dataset;
import dev.nabla.data.IdxLoader;
import dev.nabla.model.ModelFile;
import dev.nabla.train.Evaluation;
import dev.nabla.train.Evaluator;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Evaluates a saved model on a labelled data set: the loss, and the accuracy where targets are one-hot. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a model on labelled data: the mean loss, and the accuracy (argmax) where the targets "
                + "are one-hot.")
final class EvalCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model (or checkpoint) file.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "SOURCE",
            description = "A CSV file, or idx:DIR[:train|test] (the test split by default).")
    String data;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--loss", converter = Converters.LossConverter.class,
            description = "mse or bce (default: the loss the model was trained with, else mse).")
    Loss loss;

    @Mixin
    ForwardOptions forward;

    @Mixin
    BackendChoice backendChoice;

    @Option(names = "--verbose", description = "Print stack traces on failure.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        int batch = forward.batch();
        backendChoice.check(); // before anything is read or started
        ModelFile.Model m = ModelFile.read(model);
        int[] sizes = m.parameters().sizes();
        Loss modelLoss = m.loss() != null ? m.loss() : Loss.MSE;
        Loss useLoss = loss != null ? loss : modelLoss;
        DType useDtype = forward.dtype(m);
        DataSource source = DataSource.parse(data);
        Dataset d = dataOptions.load(source, IdxLoader.Split.TEST, sizes[sizes.length - 1], useDtype);
        if (d.inputs() != sizes[0] || d.outputs() != sizes[sizes.length - 1]) {
            throw new IllegalArgumentException(data + " has " + d.inputs() + " inputs and " + d.outputs()
                    + " targets per row but the model " + LayerSizes.format(sizes) + " takes " + sizes[0]
                    + " and gives " + sizes[sizes.length - 1]);
        }
        try (Backend backend = backendChoice.create();
             Network net = new Network(backend, useDtype, modelLoss, m.parameters())) {
            out.printf(Locale.ROOT, "model %s: %s, %s, on %s%n", model, LayerSizes.format(sizes), useDtype,
                    backend.description());
            out.printf(Locale.ROOT, "data: %s: %d rows%n", DataOptions.describe(source, IdxLoader.Split.TEST), d.rows());
            Evaluation r = Evaluator.evaluate(net, d, useLoss, batch);
            out.printf(Locale.ROOT, "loss %.6f (%s)%n", r.loss(), useLoss);
            if (r.hasAccuracy()) {
                out.printf(Locale.ROOT, "accuracy %.2f%% (%d/%d)%n", 100 * r.accuracy(),
                        Math.round(r.accuracy() * r.rows()), r.rows());
            } else {
                out.println("accuracy: not computed (the targets are not one-hot)");
            }
            out.flush();
        }
        return Nabla.EXIT_OK;
    }
}
