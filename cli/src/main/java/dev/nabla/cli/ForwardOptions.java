package dev.nabla.cli;

import dev.nabla.model.ModelFile;
import dev.nabla.tensor.DType;
import picocli.CommandLine.Option;

/** How a trained model is run forward over data (eval, predict): its dtype and rows per pass. */
final class ForwardOptions {
    @Option(names = "--dtype", converter = Converters.DTypeConverter.class,
            description = "float32 or float64 (default: the model's).")
    DType dtype;

    @Option(names = "--batch", defaultValue = "256", description = "Rows per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    /** The rows per forward pass, checked. */
    int batch() {
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        return batch;
    }

    /** The chosen dtype, else the model's. */
    DType dtype(ModelFile.Model model) {
        return dtype != null ? dtype : model.dtype();
    }
}
