package dev.nabla.cli;

import dev.nabla.data.DataSource;
import dev.nabla.data.Features;
import dev.nabla.data.IdxLoader;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.MemoryBudget;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.LayerSizes;
import dev.nabla.nn.Network;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Runs a saved model over inputs and writes its outputs as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a model over the rows of a CSV file (or IDX images) and write its outputs as CSV: "
                + "columns output_0..output_{K-1}, and argmax when K > 1, one row per input row.")
final class PredictCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model (or checkpoint) file.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "SOURCE",
            description = "A CSV file whose columns are the inputs (name target columns with --targets or "
                    + "--label-col to skip them), or idx:DIR[:train|test] (the test split by default).")
    String data;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where to write the outputs (CSV): a file (replaced atomically), '-' for standard output, "
                    + "or a device or FIFO (written in place).")
    Path outFile;

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
        boolean toStdout = outFile.toString().equals("-");
        if (!toStdout) {
            AtomicFiles.checkWritable(outFile, "--out", 0); // before any work
        }
        ModelFile.Model m = ModelFile.read(model);
        int[] sizes = m.parameters().sizes();
        int outputs = sizes[sizes.length - 1];
        DType dtype = forward.dtype(m);
        DataSource source = DataSource.parse(data);
        Features f = dataOptions.loadFeatures(source, IdxLoader.Split.TEST, outputs, dtype);
        if (f.inputs() != sizes[0]) {
            throw new IllegalArgumentException(data + " has " + f.inputs() + " input columns but the model "
                    + LayerSizes.format(sizes) + " takes " + sizes[0]
                    + (source instanceof DataSource.Csv && f.inputs() > sizes[0]
                    ? ": name the target columns with --targets K or --label-col C" : ""));
        }
        if (!toStdout) { // about 12 characters a value
            AtomicFiles.checkWritable(outFile, "--out", MemoryBudget.times(MemoryBudget.times(f.rows(), outputs + 1), 12));
        }
        double[] predictions;
        try (Backend backend = backendChoice.create();
             Network net = new Network(backend, dtype, m.loss() != null ? m.loss() : Loss.MSE, m.parameters())) {
            predictions = net.predict(f, batch);
        }
        if (toStdout) {
            writeCsv(out, predictions, f.rows(), outputs, dtype);
            out.flush();
            return Nabla.EXIT_OK;
        }
        AtomicFiles.write(outFile, stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            writeCsv(w, predictions, f.rows(), outputs, dtype);
            w.flush();
        });
        out.println("wrote " + f.rows() + " predictions of " + LayerSizes.format(sizes) + " to " + outFile);
        out.flush();
        return Nabla.EXIT_OK;
    }

    /** The outputs as CSV, each value printed as the shortest decimal that reads back as the same {@code dtype} number. */
    static void writeCsv(Writer w, double[] values, int rows, int outputs, DType dtype) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int k = 0; k < outputs; k++) {
            line.append(k == 0 ? "" : ",").append("output_").append(k);
        }
        if (outputs > 1) {
            line.append(",argmax");
        }
        w.write(line.append('\n').toString());
        for (int r = 0; r < rows; r++) {
            line.setLength(0);
            int best = 0;
            for (int k = 0; k < outputs; k++) {
                double v = values[r * outputs + k];
                line.append(k == 0 ? "" : ",");
                if (dtype == DType.FLOAT32) {
                    line.append((float) v);
                } else {
                    line.append(v);
                }
                if (v > values[r * outputs + best]) {
                    best = k;
                }
            }
            if (outputs > 1) {
                line.append(',').append(best);
            }
            w.write(line.append('\n').toString());
        }
    }
}
