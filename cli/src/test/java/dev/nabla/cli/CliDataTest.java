package dev.nabla.cli;

import dev.nabla.model.Checkpoint;
import dev.nabla.model.CheckpointDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training, evaluating and predicting on files, end to end through the command line. */
class CliDataTest {
    @TempDir
    Path dir;

    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** Three classes of 4-feature points around different centres; a header and ';' as delimiter. */
    private Path blobs(String name, int rows, long seed, boolean withLabel) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] centres = {{0.2, 0.2, 0.8, 0.5}, {0.8, 0.3, 0.2, 0.5}, {0.5, 0.9, 0.5, 0.1}};
        StringBuilder b = new StringBuilder(withLabel ? "f1;f2;label;f3;f4\n" : "f1;f2;f3;f4\n");
        for (int i = 0; i < rows; i++) {
            int c = r.nextInt(3);
            double[] x = new double[4];
            for (int k = 0; k < 4; k++) {
                x[k] = centres[c][k] + r.nextGaussian() * 0.1;
            }
            b.append(String.format(Locale.ROOT, withLabel ? "%.4f;%.4f;%d;%.4f;%.4f%n" : "%.4f;%.4f;%.4f;%.4f%n",
                    withLabel ? new Object[] {x[0], x[1], c, x[2], x[3]} : new Object[] {x[0], x[1], x[2], x[3]}));
        }
        Path f = dir.resolve(name);
        Files.writeString(f, b.toString(), StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void csvTrainThenEvalThenPredict() throws IOException {
        blobs("train.csv", 600, 1, true);
        blobs("test.csv", 200, 2, true);
        blobs("inputs.csv", 50, 3, false);
        CliTest.Run t = run("train", "--backend", "reference", "--data", p("train.csv"), "--delimiter", ";",
                "--label-col", "label", "--layers", "4,8,3", "--loss", "bce", "--epochs", "15", "--val-fraction", "0.25",
                "--model-out", p("m.safetensors"), "--log-json", p("log.jsonl"));
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("data: " + p("train.csv") + ": 450 rows, 4 inputs, 3 targets (read in "), t.out());
        assertTrue(t.out().contains("validation: 150 rows held out"), t.out());
        assertTrue(t.out().contains("model saved to " + p("m.safetensors")), t.out());
        List<String> log = Files.readAllLines(dir.resolve("log.jsonl"));
        assertEquals(15, log.size());
        Pattern line = Pattern.compile("\\{\"epoch\":(\\d+),\"loss\":[-0-9.E]+,\"val_loss\":[-0-9.E]+,"
                + "\"val_accuracy\":([0-9.E-]+),\"samples_per_s\":[0-9.E]+,\"seconds\":[0-9.E-]+}");
        for (int i = 0; i < 15; i++) {
            Matcher m = line.matcher(log.get(i));
            assertTrue(m.matches(), log.get(i));
            assertEquals(i + 1, Integer.parseInt(m.group(1)));
        }
        Matcher last = line.matcher(log.get(14));
        assertTrue(last.matches());
        assertTrue(Double.parseDouble(last.group(2)) > 0.9, log.get(14));

        CliTest.Run e = run("eval", "--backend", "reference", "--model", p("m.safetensors"), "--data", p("test.csv"),
                "--delimiter", "semicolon", "--label-col", "2", "--classes", "3");
        assertEquals(0, e.code(), e.out() + e.err());
        Matcher acc = Pattern.compile("accuracy ([0-9.]+)% \\((\\d+)/200\\)").matcher(e.out());
        assertTrue(acc.find(), e.out());
        assertTrue(Double.parseDouble(acc.group(1)) > 90, e.out());
        assertTrue(e.out().contains("loss ") && e.out().contains("(bce)"), e.out());

        CliTest.Run pr = run("predict", "--backend", "reference", "--model", p("m.safetensors"), "--data",
                p("inputs.csv"), "--delimiter", ";", "--out", p("out.csv"));
        assertEquals(0, pr.code(), pr.out() + pr.err());
        List<String> rows = Files.readAllLines(dir.resolve("out.csv"));
        assertEquals(51, rows.size());
        assertEquals("output_0,output_1,output_2,argmax", rows.get(0));
        String[] cells = rows.get(1).split(",");
        assertEquals(4, cells.length);
        for (int k = 0; k < 3; k++) {
            float v = Float.parseFloat(cells[k]);
            assertTrue(v > 0 && v < 1, rows.get(1));
        }
        // a file that still has its label column: name it and predict skips it
        CliTest.Run skip = run("predict", "--backend", "reference", "--model", p("m.safetensors"), "--data",
                p("test.csv"), "--delimiter", ";", "--label-col", "label", "--out", p("out2.csv"));
        assertEquals(0, skip.code(), skip.err());
        assertEquals(201, Files.readAllLines(dir.resolve("out2.csv")).size());
        CliTest.Run unnamed = run("predict", "--backend", "reference", "--model", p("m.safetensors"), "--data",
                p("test.csv"), "--delimiter", ";", "--out", p("out3.csv"));
        assertEquals(2, unnamed.code());
        assertTrue(unnamed.err().contains("has 5 input columns but the model 4-8-3 takes 4: name the target columns"),
                unnamed.err());
    }

    @Test
    void idxDigitsAreLearnedToHighAccuracy() {
        CliTest.Run g = run("generate-digits", "--out", p("digits"), "--train", "6000", "--test", "1000");
        assertEquals(0, g.code(), g.err());
        CliTest.Run t = run("train", "--backend", "reference", "--data", "idx:" + p("digits"), "--val-data",
                "idx:" + p("digits"), "--layers", "784,32,10", "--loss", "bce", "--epochs", "3",
                "--model-out", p("digits.safetensors"));
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("(train split): 6000 rows, 784 inputs, 10 targets"), t.out());
        assertTrue(t.out().contains("validation: 1000 rows from idx:" + p("digits") + " (test split)"), t.out());
        CliTest.Run e = run("eval", "--backend", "reference", "--model", p("digits.safetensors"), "--data",
                "idx:" + p("digits"));
        assertEquals(0, e.code(), e.err());
        Matcher acc = Pattern.compile("accuracy ([0-9.]+)%").matcher(e.out());
        assertTrue(acc.find() && Double.parseDouble(acc.group(1)) > 90, e.out());
    }

    /** 2 epochs straight equal 1 epoch, a checkpoint, --resume and 1 more epoch: the model files are identical. */
    @Test
    void resumingGivesTheSameModelBitForBit() throws IOException {
        for (String dtype : new String[] {"float32", "float64"}) {
            String[] common = {"train", "--backend", "reference", "--dtype", dtype, "--layers", "6,10,3", "--samples",
                    "500", "--batch", "32", "--momentum", "0.9", "--val-fraction", "0.2"};
            CliTest.Run straight = run(concat(common, "--epochs", "2", "--model-out", p("straight-" + dtype)));
            assertEquals(0, straight.code(), straight.err());
            String ck = p("ck-" + dtype);
            CliTest.Run first = run(concat(common, "--epochs", "1", "--checkpoint-dir", ck));
            assertEquals(0, first.code(), first.err());
            CliTest.Run resumed = run(concat(common, "--epochs", "2", "--checkpoint-dir", ck, "--resume",
                    "--model-out", p("resumed-" + dtype)));
            assertEquals(0, resumed.code(), resumed.err());
            assertTrue(resumed.out().contains("resumed after epoch 1"), resumed.out());
            assertEquals(1, resumed.out().lines().filter(l -> l.startsWith("epoch ")).count(), resumed.out());
            assertArrayEquals(Files.readAllBytes(dir.resolve("straight-" + dtype)),
                    Files.readAllBytes(dir.resolve("resumed-" + dtype)), dtype);
            // the epoch-2 lines agree too (same loss printed)
            assertEquals(epochLine(straight.out(), 2), epochLine(resumed.out(), 2));
        }
    }

    private static String epochLine(String out, int epoch) {
        return out.lines().filter(l -> l.startsWith(String.format(Locale.ROOT, "epoch %3d/", epoch)))
                .map(l -> l.replaceAll("  [0-9,]+ samples/s.*", "")).findFirst().orElse("none");
    }

    @Test
    void resumeRefusesChangedSettingsAndMissingCheckpoints() {
        String ck = p("ck");
        CliTest.Run none = run("train", "--backend", "reference", "--checkpoint-dir", ck, "--resume");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("--resume: no checkpoint in " + ck), none.err());
        assertEquals(0, run("train", "--backend", "reference", "--samples", "100", "--epochs", "1",
                "--checkpoint-dir", ck).code());
        CliTest.Run batch = run("train", "--backend", "reference", "--samples", "100", "--epochs", "2",
                "--checkpoint-dir", ck, "--resume", "--batch", "16");
        assertEquals(2, batch.code());
        assertTrue(batch.err().contains("--batch 16 differs from the checkpoint's 64"), batch.err());
        CliTest.Run rows = run("train", "--backend", "reference", "--samples", "120", "--epochs", "2",
                "--checkpoint-dir", ck, "--resume");
        assertEquals(2, rows.code());
        assertTrue(rows.err().contains("trained on 100 rows but this data has 120"), rows.err());
        CliTest.Run noDir = run("train", "--resume");
        assertEquals(2, noDir.code());
        assertTrue(noDir.err().contains("--resume needs --checkpoint-dir"), noDir.err());
    }

    @Test
    void divergenceNamesEpochAndBatchAndKeepsTheLastGoodCheckpoint() throws IOException {
        String ck = p("ck");
        String[] common = {"train", "--backend", "reference", "--samples", "256", "--layers", "4,4,2",
                "--checkpoint-dir", ck};
        assertEquals(0, run(concat(common, "--epochs", "1")).code());
        Path good = dir.resolve("ck/checkpoint-epoch-000001.safetensors");
        byte[] before = Files.readAllBytes(good);
        CliTest.Run r = run(concat(common, "--epochs", "3", "--resume", "--lr", "1e308"));
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("training diverged") && r.err().contains("at epoch 2, batch 2")
                && r.err().contains("try a smaller learning rate") && r.err().contains("the last good checkpoint is "
                + good), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertArrayEquals(before, Files.readAllBytes(good));
        try (var files = Files.list(dir.resolve("ck"))) {
            assertEquals(List.of("checkpoint-epoch-000001.safetensors"),
                    files.map(f -> f.getFileName().toString()).filter(n -> !n.equals(CheckpointDirectory.LOCK_FILE))
                            .toList());
        }
        assertEquals(1, Checkpoint.load(good).epochsDone());
        // and training goes on from it with a sane learning rate
        CliTest.Run again = run(concat(common, "--epochs", "2", "--resume", "--lr", "0.5"));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("learning rate changed from 2.0 to 0.5"), again.out());
    }

    @Test
    void modelInStartsFromSavedWeightsWithItsLayerSizesAndLoss() {
        assertEquals(0, run("train", "--backend", "reference", "--samples", "200", "--layers", "8,5,4", "--loss", "bce",
                "--epochs", "1", "--model-out", p("start.safetensors")).code());
        CliTest.Run r = run("train", "--backend", "reference", "--samples", "200", "--epochs", "1", "--model-in",
                p("start.safetensors"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("training 8-5-4 on ") && r.out().contains("bce loss, lr 1.0, momentum 0.0"), r.out());
        assertTrue(r.out().contains("starting from the weights of " + p("start.safetensors")), r.out());
        CliTest.Run wrong = run("train", "--backend", "reference", "--layers", "8,6,4", "--model-in", p("start.safetensors"));
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("--layers 8,6,4 differs from the model's 8-5-4"), wrong.err());
    }

    @Test
    void plainProgressLinesWhenNotATerminal() {
        java.io.StringWriter s = new java.io.StringWriter();
        EpochProgress progress = new EpochProgress(null, new java.io.PrintWriter(s), 0, 3, 100, 30);
        progress.start(1);
        for (int b = 0; b < 4; b++) {
            progress.batchDone(1, b);
        }
        progress.close();
        List<String> lines = s.toString().lines().toList();
        assertEquals(3, lines.size(), s.toString()); // after batches 1-3; none once the epoch is complete
        assertTrue(lines.get(0).matches("epoch 2/3: 30/100 samples \\(30%\\), [0-9,]+ samples/s, ETA \\d+s"), lines.get(0));
    }

    static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(new String[0]);
    }
}
