package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    /** Exit code, standard output and standard error of one invocation. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Nabla.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void backendsListsTheReferenceBackend() {
        Run r = run("backends");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reference"), r.out());
    }

    @Test
    void trainHelpStatesPlainSgdAndTheDefaultLearningRates() {
        Run r = run("train", "--help");
        assertEquals(0, r.code(), r.err());
        String help = r.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("SGD momentum in [0, 1) (default: 0, plain SGD"), help);
        assertTrue(help.contains("default: 2.0 with mse, 1.0 with bce"), help);
        Run train = run("train", "--backend", "reference", "--epochs", "1", "--samples", "100", "--loss", "bce");
        assertTrue(train.out().contains("bce loss, lr 1.0, momentum 0.0"), train.out());
    }

    @Test
    void demoSeed002PrintsThePythonProgramsLines() {
        Run r = run("demo", "seed002", "--backend", "reference");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(
                "Epoch 0, Loss: 0.063306, Prediction: 0.644173",
                "Epoch 200, Loss: 0.001997, Prediction: 0.936796",
                "Epoch 400, Loss: 0.000917, Prediction: 0.957166",
                "Epoch 600, Loss: 0.000585, Prediction: 0.965799",
                "Epoch 800, Loss: 0.000426, Prediction: 0.970806",
                "Final prediction: 0.974146"), r.out().lines().toList());
    }

    @Test
    void trainPrintsOneLinePerEpochAndTheLossFalls() {
        Run r = run("train", "--backend", "reference", "--epochs", "5", "--samples", "2000", "--layers", "6,10,3");
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("epoch +(\\d+)/5 +loss ([0-9.]+) +[0-9,]+ samples/s").matcher(r.out());
        double first = Double.NaN;
        double last = Double.NaN;
        int lines = 0;
        while (m.find()) {
            lines++;
            double loss = Double.parseDouble(m.group(2));
            if (lines == 1) {
                first = loss;
            }
            last = loss;
        }
        assertEquals(5, lines, r.out());
        assertTrue(last < first, "loss falls: " + r.out());
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        Run layers = run("train", "--layers", "8,x,4");
        assertEquals(2, layers.code());
        assertTrue(layers.err().contains("'x' is not an integer"), layers.err());
        assertFalse(layers.err().contains("\tat "), "no stack trace: " + layers.err());

        Run backend = run("train", "--backend", "nope", "--epochs", "1");
        assertEquals(2, backend.code());
        assertTrue(backend.err().contains("unknown backend 'nope'") && backend.err().contains("reference"), backend.err());
        assertFalse(backend.err().contains("\tat "), "no stack trace: " + backend.err());

        Run dtype = run("train", "--dtype", "float16");
        assertEquals(2, dtype.code());
        assertTrue(dtype.err().contains("float16"), dtype.err());

        Run lr = run("train", "--backend", "reference", "--lr", "-1", "--epochs", "1");
        assertEquals(2, lr.code());
        assertTrue(lr.err().contains("learning rate"), lr.err());
    }

    @Test
    void divergenceExitsOneAndNamesEpochAndBatch() {
        Run r = run("train", "--backend", "reference", "--lr", "1e308", "--momentum", "0", "--epochs", "3",
                "--samples", "256", "--layers", "4,4,2");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("diverged") && r.err().contains("epoch") && r.err().contains("batch")
                && r.err().contains("smaller learning rate"), r.err());
    }

    @Test
    void gradcheckPassesAcrossReferenceCpuAndNd4jInBothDtypes() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dev.nabla.spi.Backends.installed().availableIds().contains("nd4j"), "nd4j is not in this build");
        for (String dtype : new String[] {"float64", "float32"}) {
            Run r = run("gradcheck", "--backends", "reference,cpu,nd4j", "--dtype", dtype, "--layers", "9,17,5");
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("layers.1.bias") && r.out().contains("PASS"), r.out());
            assertFalse(r.out().contains("FAIL"), r.out());
        }
    }

    @Test
    void gradcheckNamesAnUnknownBackend() {
        Run r = run("gradcheck", "--backends", "reference,gpu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown backend 'gpu'"), r.err());
    }

    @Test
    void backendsExplainsWhyCudaIsUnavailable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dev.nabla.spi.Backends.installed().availableIds().contains("nd4j"), "a -Pcuda build");
        Run r = run("backends");
        assertTrue(r.out().contains("nd4j-cuda") && r.out().contains("unavailable") && r.out().contains("-Pcuda"), r.out());
        assertTrue(r.out().contains("nd4j ") && r.out().contains("cpu"), r.out());
    }
}
