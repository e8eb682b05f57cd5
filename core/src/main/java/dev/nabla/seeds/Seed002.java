package dev.nabla.seeds;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.EpochReport;
import dev.nabla.train.TrainingListener;
import dev.nabla.train.TrainingRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Seed 002's worked example, run through the API: a 1-1-1 sigmoid network, x = 0.5, y = 1.0,
 * w1 = 0.3, b1 = 0.1, w2 = 0.7, b2 = 0.2, loss 1/2 (y - a)^2, learning rate 0.5, 1000 epochs of one
 * example. It prints what the seed's Python program prints.
 */
public final class Seed002 {
    /** The single input x. */
    public static final double X = 0.5;
    /** The single target y. */
    public static final double Y = 1.0;
    /** The seed's learning rate. */
    public static final double LEARNING_RATE = 0.5;
    /** The seed's number of epochs, each one step on the single example. */
    public static final int EPOCHS = 1000;
    /** The program prints every this many epochs, from epoch 0. */
    public static final int PRINT_EVERY = 200;

    private Seed002() {
    }

    /**
     * w1, b1 (layer 0) and w2, b2 (layer 1) of the seed.
     *
     * @return new 1-1-1 parameters
     */
    public static Parameters initialParameters() {
        Parameters p = Parameters.zeros(1, 1, 1);
        p.weight(0)[0] = 0.3;
        p.bias(0)[0] = 0.1;
        p.weight(1)[0] = 0.7;
        p.bias(1)[0] = 0.2;
        return p;
    }

    /**
     * The seed's single example.
     *
     * @return a float32 data set of one row, x = 0.5, y = 1.0 (both exact)
     */
    public static Dataset dataset() {
        return new Dataset(1, 1, 1, new float[] {(float) X}, new float[] {(float) Y});
    }

    /**
     * Runs the seed's training loop on {@code backend} and returns the lines its Python program prints.
     *
     * @param backend the backend to run on; not closed
     * @param dtype the dtype to run in
     * @return the lines, e.g. {@code Epoch 0, Loss: ..., Prediction: ...}, then {@code Final prediction: ...}
     */
    public static List<String> run(Backend backend, DType dtype) {
        List<String> lines = new ArrayList<>();
        run(backend, dtype, lines::add);
        return lines;
    }

    /**
     * Runs the seed's training loop, handing each printed line to {@code out} as it is produced.
     *
     * @param backend the backend to run on; not closed
     * @param dtype the dtype to run in
     * @param out receives each line
     */
    public static void run(Backend backend, DType dtype, Consumer<String> out) {
        try (Network net = new Network(backend, dtype, Loss.MSE, initialParameters());
             Tensor x = backend.zeros(dtype, 1, 1)) {
            backend.copyFromHost(new double[] {X}, x);
            double[] prediction = new double[1];
            TrainingListener printer = new TrainingListener() {
                @Override
                public void onEpochStart(int epoch, int epochs, int batches) {
                    // The prediction the seed prints is a_o of this epoch's forward pass, before the update.
                    backend.copyToHost(net.forward(x), prediction, 0);
                }

                @Override
                public void onEpochEnd(EpochReport report) {
                    int printed = report.epoch() - 1; // the seed counts epochs from 0
                    if (printed % PRINT_EVERY == 0) {
                        out.accept("Epoch " + printed + ", Loss: " + PythonFormat.fixed(report.loss(), 6)
                                + ", Prediction: " + PythonFormat.fixed(prediction[0], 6));
                    }
                }
            };
            TrainingRun.builder().learningRate(LEARNING_RATE).batchSize(1).epochs(EPOCHS).shuffle(false)
                    .listener(printer).build().fit(net, dataset());
            out.accept("Final prediction: " + PythonFormat.fixed(prediction[0], 6));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // no file is involved
        }
    }
}
