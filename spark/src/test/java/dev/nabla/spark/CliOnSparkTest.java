package dev.nabla.spark;

import dev.nabla.cli.Nabla;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nabla train --spark local[2]}: every train option, the same run as without --spark. */
class CliOnSparkTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run nabla(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Nabla.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--backend", "reference", "--dtype", "float64",
                "--layers", "6,10,3", "--samples", "700", "--batch", "60", "--momentum", "0.5", "--seed", "4",
                "--val-fraction", "0.1"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void sparkRunIsTheOneMachineRunWithItsFiles() throws IOException {
        Run local = nabla(args("--epochs", "3", "--model-out", dir.resolve("local.safetensors").toString()));
        assertEquals(0, local.code(), local.err());
        Path log = dir.resolve("log.jsonl");
        Run spark = nabla(args("--epochs", "3", "--spark", "local[2]", "--model-out",
                dir.resolve("spark.safetensors").toString(), "--log-json", log.toString(), "--checkpoint-dir",
                dir.resolve("ckpt").toString()));
        assertEquals(0, spark.code(), spark.err());
        assertTrue(spark.out().contains("spark: Spark 4.2.0 on local[2], sync, 2 partitions, reference on the executors"),
                spark.out());
        assertTrue(spark.out().contains("val_acc") || spark.out().contains("val_loss"), spark.out());
        Parameters a = ModelFile.read(dir.resolve("local.safetensors")).parameters();
        Parameters b = ModelFile.read(dir.resolve("spark.safetensors")).parameters();
        double rel = Runs.relativeDifference(a, b);
        assertTrue(rel < 1e-12, "relative difference " + rel);
        assertEquals(3, Files.readAllLines(log).size());
        assertTrue(Files.exists(dir.resolve("ckpt").resolve("checkpoint-epoch-000003.safetensors")));

        // 2 epochs, then --resume to 3, on Spark: the same model as 3 epochs straight, bit for bit.
        Path ckpt2 = dir.resolve("ckpt2");
        Run first = nabla(args("--epochs", "2", "--spark", "local[2]", "--checkpoint-dir", ckpt2.toString()));
        assertEquals(0, first.code(), first.err());
        Run resumed = nabla("train", "--backend", "reference", "--samples", "700", "--seed", "4", "--val-fraction",
                "0.1", "--epochs", "3", "--spark", "local[2]", "--checkpoint-dir", ckpt2.toString(), "--resume",
                "--model-out", dir.resolve("resumed.safetensors").toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(b, ModelFile.read(dir.resolve("resumed.safetensors")).parameters());
    }

    @Test
    void averageModeLearns() {
        Run r = nabla("train", "--backend", "cpu", "--layers", "8,16,4", "--samples", "4000", "--batch", "32",
                "--epochs", "4", "--spark", "local[2]", "--spark-mode", "average", "--spark-average-steps", "8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("average (averaged every 8 steps), 2 partitions, cpu on the executors"), r.out());
        List<Double> losses = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("epoch ") && line.contains("loss ")) {
                losses.add(Double.parseDouble(line.replaceAll(".*loss ([0-9.]+).*", "$1")));
            }
        }
        assertEquals(4, losses.size(), r.out());
        assertTrue(losses.get(3) < losses.get(0), r.out());
    }

    @Test
    void aFailingTaskIsOneLineAndExitOne() {
        TaskHooks.hook = (step, partition, attempt) -> {
            if (step == 2 && partition == 1) {
                throw new IllegalStateException("injected: the executor's disk is full");
            }
        };
        try {
            Run r = nabla("train", "--backend", "reference", "--samples", "500", "--epochs", "1", "--spark",
                    "local[2]");
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith("nabla: the Spark job of epoch 1, batch 3 failed: IllegalStateException: "
                    + "injected: the executor's disk is full"), r.err());
            assertEquals(1, r.err().lines().filter(l -> l.startsWith("nabla:")).count(), r.err());
        } finally {
            TaskHooks.hook = null;
        }
        Run noSuchBackend = nabla("train", "--backend", "nope", "--samples", "100", "--epochs", "1", "--spark",
                "local[2]");
        assertEquals(2, noSuchBackend.code(), noSuchBackend.err());
        assertTrue(noSuchBackend.err().contains("unknown backend 'nope'"), noSuchBackend.err());
    }
}
