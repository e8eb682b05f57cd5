package dev.nabla.cli;

import dev.nabla.model.Checkpoint;
import dev.nabla.model.CheckpointDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM in the middle of training, to a real `nabla` process. */
class SignalTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    @DisabledOnOs(OS.WINDOWS) // Process.destroy() is not SIGTERM there
    void sigtermStopsAfterTheStepInProgressAndKeepsTheCheckpoints() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path ck = dir.resolve("ck");
        Path log = dir.resolve("log.jsonl");
        Process p = new ProcessBuilder(java, "-cp", classPath, Nabla.class.getName(), "train", "--backend", "reference",
                "--samples", "20000", "--layers", "8,64,4", "--epochs", "1000000", "--checkpoint-dir", ck.toString(),
                "--log-json", log.toString())
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        try {
            Path second = ck.resolve("checkpoint-epoch-000002.safetensors");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(second) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(second), "no second checkpoint: " + Files.readString(dir.resolve("err.txt")));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the process did not stop");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("out.txt"));
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(143, p.exitValue(), out + err); // 128 + SIGTERM, after the hook let training finish its step
        assertTrue(out.contains("stopped by a signal during epoch "), out);
        assertTrue(out.contains("the last good checkpoint is " + ck.resolve("checkpoint-epoch-")), out);
        List<String> files;
        try (var s = Files.list(ck)) {
            files = s.map(f -> f.getFileName().toString()).filter(n -> !n.equals(CheckpointDirectory.LOCK_FILE))
                    .sorted().toList();
        }
        assertEquals(2, files.size(), "two checkpoints kept, no temporary file left: " + files);
        for (String f : files) {
            assertTrue(f.matches("checkpoint-epoch-\\d{6}\\.safetensors"), f);
            Checkpoint.load(ck.resolve(f));
        }
        int newest = Checkpoint.load(ck.resolve(files.get(1))).epochsDone();
        // The message names the checkpoint that is really there, the newest (issue 14: it named a deleted one).
        Matcher named = Pattern.compile("the last good checkpoint is (\\S+) \\(continue "
                + "with --resume\\)").matcher(out);
        assertTrue(named.find(), out);
        assertEquals(ck.resolve(files.get(1)).toString(), named.group(1), out);
        assertTrue(out.contains("stopped by a signal during epoch " + (newest + 1) + ";"), out);
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.size() >= newest, "every finished epoch is logged");
        for (String line : lines) {
            assertTrue(line.startsWith("{\"epoch\":") && line.endsWith("}"), line);
        }
        assertTrue(err.isBlank() || !err.contains("Exception"), err);
    }
}
