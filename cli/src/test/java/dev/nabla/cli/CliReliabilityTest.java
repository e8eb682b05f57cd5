package dev.nabla.cli;

import dev.nabla.model.Checkpoint;
import dev.nabla.model.CheckpointDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, "Nothing lost, nothing crashes", end to end through the command line: every case it
 * lists gives exit 2 (bad input) or 1 (a failure during training) and one clean line, with no
 * stack trace, nothing the user had lost or replaced, and the heap's peak under 1 GiB for the
 * hostile inputs.
 */
class CliReliabilityTest {
    @TempDir
    Path dir;

    /** One line on stderr starting "nabla: ", no stack trace, no control character. */
    static String oneLine(CliTest.Run r, int code, String... expected) {
        assertEquals(code, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("nabla: "), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("Error:"), err);
        assertFalse(err.chars().anyMatch(c -> c < 0x20 || c == 0x7f), "control characters in: " + err);
        for (String e : expected) {
            assertTrue(err.contains(e), "expected '" + e + "' in: " + err);
        }
        return err;
    }

    /** The most heap a command used: the sum of the heap pools' peaks, reset before it runs. */
    static long peakHeap(Runnable code) {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
        code.run();
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static CliTest.Run hostile(Supplier<CliTest.Run> command, String... expected) {
        CliTest.Run[] r = new CliTest.Run[1];
        long peak = peakHeap(() -> r[0] = command.get());
        oneLine(r[0], 2, expected);
        assertTrue(peak < 1L << 30, "peak heap " + peak + " for " + r[0].err());
        assertFalse(r[0].out().contains("epoch "), "refused before training: " + r[0].out());
        return r[0];
    }

    private static CliTest.Run train(String... args) {
        List<String> a = new ArrayList<>(List.of("train", "--backend", "reference"));
        if (!List.of(args).contains("--samples")) {
            a.addAll(List.of("--samples", "200"));
        }
        if (!List.of(args).contains("--layers") && !List.of(args).contains("--model-in")) {
            a.addAll(List.of("--layers", "8,6,4"));
        }
        a.addAll(List.of(args));
        return CliTest.run(a.toArray(String[]::new));
    }

    private static Map<String, byte[]> contents(Path d) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().equals(CheckpointDirectory.LOCK_FILE)) {
                    m.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return m;
    }

    // Case 1: a checkpoint directory belongs to one run.

    @Test
    void aNewRunIntoAnEarlierRunsCheckpointsIsRefusedAndNothingIsDeleted() throws IOException {
        Path ck = dir.resolve("ck");
        assertEquals(0, train("--epochs", "3", "--checkpoint-dir", ck.toString()).code());
        Map<String, byte[]> before = contents(ck);
        assertEquals(List.of("checkpoint-epoch-000002.safetensors", "checkpoint-epoch-000003.safetensors"),
                List.copyOf(before.keySet()));
        String earlierRun = Checkpoint.load(ck.resolve("checkpoint-epoch-000003.safetensors")).runId();

        CliTest.Run refused = train("--epochs", "2", "--checkpoint-dir", ck.toString(), "--seed", "9");
        oneLine(refused, 2, ck.toString(), "epochs 2 to 3", "--resume", "another --checkpoint-dir",
                "--overwrite-checkpoints");
        assertFalse(refused.out().contains("epoch "), "refused before training: " + refused.out());
        Map<String, byte[]> after = contents(ck);
        assertEquals(before.keySet(), after.keySet());
        for (String f : before.keySet()) {
            assertArrayEquals(before.get(f), after.get(f), f + " unchanged");
        }

        // --resume continues that run, and only that run
        CliTest.Run resumed = train("--epochs", "4", "--checkpoint-dir", ck.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed after epoch 3"), resumed.out());
        assertEquals(earlierRun, Checkpoint.load(ck.resolve("checkpoint-epoch-000004.safetensors")).runId());

        // --overwrite-checkpoints: the earlier run's are deleted first, so the new run's epoch 1 stays
        CliTest.Run fresh = train("--epochs", "1", "--checkpoint-dir", ck.toString(), "--overwrite-checkpoints");
        assertEquals(0, fresh.code(), fresh.err());
        assertEquals(List.of("checkpoint-epoch-000001.safetensors"), List.copyOf(contents(ck).keySet()));
        assertFalse(earlierRun.equals(Checkpoint.load(ck.resolve("checkpoint-epoch-000001.safetensors")).runId()));
    }

    static Process child(Path d, List<String> jvm, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", classPath, Nabla.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(d.resolve("child-out.txt").toFile())
                .redirectError(d.resolve("child-err.txt").toFile()).start();
    }

    @Test
    @Timeout(120)
    void aSecondTrainingOnALiveRunsDirectoryIsRefused() throws Exception {
        Path ck = dir.resolve("shared");
        Process first = child(dir, List.of("-Xmx256m"), "train", "--backend", "reference", "--samples", "20000",
                "--layers", "8,32,4", "--epochs", "1000000", "--checkpoint-dir", ck.toString());
        try {
            Path one = ck.resolve("checkpoint-epoch-000001.safetensors");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(one) && first.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(one), "the first run wrote no checkpoint: "
                    + Files.readString(dir.resolve("child-err.txt")));
            CliTest.Run second = CliTest.run("train", "--backend", "reference", "--samples", "20000", "--epochs", "2",
                    "--checkpoint-dir", ck.toString(), "--resume");
            oneLine(second, 2, "checkpoint directory " + ck, "is in use by another training run (process "
                    + first.pid() + ")");
            CliTest.Run third = train("--epochs", "2", "--checkpoint-dir", ck.toString(), "--overwrite-checkpoints");
            oneLine(third, 2, "is in use by another training run");
            assertTrue(first.isAlive(), "the first run goes on");
            assertFalse(CheckpointDirectory.epochsIn(ck).isEmpty(), "its checkpoints stay");
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(150)
    void aKillDuringACheckpointWriteLosesNothingAndTheNextRunCleansUp() throws Exception {
        Path ck = dir.resolve("killed");
        Process p = child(dir, List.of("-Xmx1g", "--add-modules=jdk.incubator.vector"), "train", "--backend", "cpu",
                "--threads", "1", "--layers", "8,2500,2500,4", "--samples", "64", "--momentum", "0.5", "--epochs",
                "1000000", "--checkpoint-dir", ck.toString());
        Path caught = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (caught == null && p.isAlive() && System.nanoTime() < deadline) {
                if (Files.isDirectory(ck) && !CheckpointDirectory.epochsIn(ck).isEmpty()) {
                    try (Stream<Path> s = Files.list(ck)) {
                        caught = s.filter(f -> f.getFileName().toString().endsWith(".tmp")).findFirst().orElse(null);
                    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                        caught = null;
                    }
                }
                if (caught == null) {
                    Thread.sleep(1);
                }
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(caught != null, "no write was caught in progress: "
                    + Files.readString(dir.resolve("child-err.txt")));
            p.destroyForcibly(); // SIGKILL, in the middle of writing a checkpoint
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        List<Integer> epochs = CheckpointDirectory.epochsIn(ck);
        assertFalse(epochs.isEmpty());
        for (int e : epochs) { // every checkpoint on disk is whole
            Checkpoint.load(ck.resolve(String.format("checkpoint-epoch-%06d.safetensors", e)));
        }
        int last = epochs.get(epochs.size() - 1);
        CliTest.Run resumed = CliTest.run("train", "--backend", "cpu", "--threads", "1", "--samples", "64",
                "--checkpoint-dir", ck.toString(), "--resume", "--epochs", String.valueOf(last + 1));
        assertEquals(0, resumed.code(), resumed.out() + resumed.err());
        try (Stream<Path> s = Files.list(ck)) {
            assertEquals(List.of(), s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList(),
                    "the killed writer's temporary file is gone");
        }
    }

    // Case 2: sizes beyond the memory are refused before anything is allocated; an OutOfMemoryError is one line.

    @Test
    void hugeNetworksDataAndThreadsAreRefusedNamingTheOption() throws IOException {
        hostile(() -> train("--layers", "8,40000,40000,4"), "--layers 8,40000,40000,4: its weights, gradients and training buffers (batch 64, float32) need", "more than");
        hostile(() -> train("--layers", "8,1000000,1000000,4"), "--layers 8,1000000,1000000,4");
        hostile(() -> train("--layers", "8,2147483647,4"), "--layers 8,2147483647,4");
        hostile(() -> train("--samples", "2147483647"), "--samples 2147483647: the synthetic rows");
        hostile(() -> train("--threads", "1000000"), "--threads 1000000: more than the");
        hostile(() -> CliTest.run("generate-digits", "--out", dir.resolve("g").toString(), "--train", "2147483647"),
                "--train 2147483647: at most");
        hostile(() -> CliTest.run("bench", "--layers", "8,40000,40000,4", "--backends", "reference", "--seconds", "1"),
                "a 8-40000-40000-4 network");
        hostile(() -> train("--threads", "10000"), "--threads 10000: more than the");
        hostile(() -> CliTest.run("eval", "--backend", "reference", "--threads", "10000", "--model", "m", "--data",
                "d"), "--threads 10000");
        Path csv = dir.resolve("tiny.csv");
        StringBuilder b = new StringBuilder();
        while (b.length() < 170) {
            b.append("1,2,3,4,5,6,7,8,1\n");
        }
        Files.writeString(csv, b);
        hostile(() -> train("--data", csv.toString(), "--label-col", "8", "--classes", "300000000"),
                "--classes 300000000 but the network gives 4 outputs");
        Path two = Files.writeString(dir.resolve("two.csv"), "1,2,3,4,5,6,7,8,1\n1,2,3,4,5,6,7,8,0\n");
        hostile(() -> train("--data", two.toString(), "--label-col", "8", "--classes", "300000000", "--layers",
                "8,2,300000000"), "--layers 8,2,300000000");
        hostile(() -> CliTest.run("eval", "--backend", "reference", "--model", model().toString(), "--data",
                two.toString(), "--label-col", "8", "--classes", "300000000"), "--classes 300000000 but the network gives 4");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(60)
    void hostileFilesAreRefusedWithoutFillingTheHeap() throws Exception {
        Path zero = Files.createSymbolicLink(dir.resolve("zero.safetensors"), Path.of("/dev/zero"));
        Path data = Files.writeString(dir.resolve("d.csv"), "1,2,0\n");
        hostile(() -> CliTest.run("eval", "--backend", "reference", "--model", zero.toString(), "--data",
                data.toString()), zero + ": the header does not start with '{'");

        Path fifo = dir.resolve("model.fifo");
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0);
        Thread writer = new Thread(() -> { // a header claiming 1.5 GB of data, then nothing
            try (var out = Files.newOutputStream(fifo)) {
                out.write(safetensors("{" + t("layers.0.weight", "[1,2]", 0, 8) + "," + t("layers.0.bias", "[1]", 8,
                        1_500_000_000) + "}", 0));
            } catch (IOException e) {
                // the reader stopped first
            }
        });
        writer.setDaemon(true);
        writer.start();
        hostile(() -> CliTest.run("eval", "--backend", "reference", "--model", fifo.toString(), "--data",
                data.toString()), fifo.toString());

        // one line of 33 MiB: no line break, ever
        Path line = dir.resolve("one-line.csv");
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(line), 1 << 20)) {
            byte[] chunk = "1,".repeat(1 << 19).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 33; i++) {
                out.write(chunk);
            }
        }
        hostile(() -> train("--data", line.toString()), line + ", line 1: longer than 33554432 bytes");

        // 2 MB of gzip claiming 2.1 G pixels: within deflate's ratio, beyond the heap
        Path mnist = dir.resolve("mnist");
        Files.createDirectories(mnist);
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(raw);
        d.writeInt(0x0801);
        d.writeInt(60_000);
        d.write(new byte[60_000]);
        Files.write(mnist.resolve("train-labels-idx1-ubyte"), raw.toByteArray());
        raw.reset();
        d.writeInt(0x0803);
        for (int x : new int[] {60_000, 187, 187}) {
            d.writeInt(x);
        }
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(gz)) {
            g.write(raw.toByteArray());
        }
        Files.write(mnist.resolve("train-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(gz.toByteArray(), 2_100_000));
        hostile(() -> train("--data", "idx:" + mnist, "--layers", "34969,16,10"), "train-images-idx3-ubyte.gz");
    }

    @Test
    @Timeout(60)
    void anOutOfMemoryErrorIsOneLineAndExitOne() throws Exception {
        // The budget is lifted so that the allocation really fails in a small heap.
        Process p = child(dir, List.of("-Xmx48m", "-Dnabla.memory.limit=1t"), "train", "--backend", "reference",
                "--layers", "8,3000,3000,4", "--samples", "100", "--epochs", "1");
        assertTrue(p.waitFor(50, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("child-err.txt")).strip();
        assertEquals(1, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("nabla: out of memory (Java heap space): give the JVM more memory"), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), err);
    }

    // Case 3: devices and links are written in place, never replaced; '-' is standard output.

    private Path model() {
        Path m = dir.resolve("m.safetensors");
        if (!Files.exists(m)) {
            assertEquals(0, train("--epochs", "1", "--model-out", m.toString()).code());
        }
        return m;
    }

    private Path inputs() throws IOException {
        return Files.writeString(dir.resolve("in.csv"), "1,2,3,4,5,6,7,8\n0,0,0,0,0,0,0,0\n");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void devicesAndLinksAreWrittenInPlace() throws IOException {
        CliTest.Run r = train("--epochs", "1", "--model-out", "/dev/null");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.isRegularFile(Path.of("/dev/null")), "/dev/null is still a device");

        Path model = model();
        Path target = Files.writeString(dir.resolve("target.csv"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), target.getFileName());
        r = CliTest.run("predict", "--backend", "reference", "--model", model.toString(), "--data", inputs().toString(),
                "--out", link.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertTrue(Files.readString(target).startsWith("output_0,"), "its file got the predictions");

        Path toNull = Files.createSymbolicLink(dir.resolve("null.csv"), Path.of("/dev/null"));
        r = CliTest.run("predict", "--backend", "reference", "--model", model.toString(), "--data", inputs().toString(),
                "--out", toNull.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isSymbolicLink(toNull));
    }

    @Test
    void predictWritesToStandardOutputForDash() throws IOException {
        CliTest.Run r = CliTest.run("predict", "--backend", "reference", "--model", model().toString(), "--data",
                inputs().toString(), "--out", "-");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertEquals("output_0,output_1,output_2,output_3,argmax", lines.get(0));
        assertFalse(Files.exists(Path.of("-")));
    }

    // Case 4: outputs are checked before training.

    @Test
    void unwritableOutputsAreRefusedBeforeTraining() throws IOException {
        Path missing = dir.resolve("no/such/m.safetensors");
        hostile(() -> train("--epochs", "1", "--model-out", missing.toString()), "the model file " + missing,
                "does not exist");
        hostile(() -> train("--epochs", "1", "--model-out", dir.toString()), dir + " is a directory");
        hostile(() -> train("--epochs", "1", "--model-out", "/"), "the model file / is a directory");
        hostile(() -> train("--epochs", "1", "--log-json", missing.toString()), "the JSON log " + missing);
        Path file = Files.writeString(dir.resolve("plain"), "x");
        hostile(() -> train("--epochs", "1", "--checkpoint-dir", file.toString()), "checkpoint directory " + file,
                "is a file");
        hostile(() -> CliTest.run("predict", "--backend", "reference", "--model", "absent.safetensors", "--data", "x.csv",
                "--out", missing.toString()), "--out " + missing);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aReadOnlyPlaceAndAFullDiskAreNamed() throws IOException {
        // /proc takes no new files, even from root, as a read-only file system.
        hostile(() -> train("--epochs", "1", "--model-out", "/proc/m.safetensors"),
                "the model file /proc/m.safetensors: cannot create a file in /proc");
        // A full device fails at the write itself, after training: exit 1, naming it.
        CliTest.Run r = train("--epochs", "1", "--model-out", "/dev/full");
        oneLine(r, 1, "cannot save the model to /dev/full (cannot write /dev/full: No space left on device)");
        // A full JSON log no longer stops the run: a warning, and the model is saved.
        Path m = dir.resolve("saved.safetensors");
        r = train("--epochs", "2", "--log-json", "/dev/full", "--model-out", m.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("nabla: warning: cannot write the JSON log /dev/full (No space left on device) after epoch 1; "
                + "training goes on without it", r.err().strip());
        assertTrue(r.out().contains("epoch   2/2") && Files.isRegularFile(m), r.out());
    }

    // Case 6: untrusted text is escaped and cut.

    private static byte[] safetensors(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
                .array();
    }

    private static String t(String name, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private CliTest.Run eval(Path model) throws IOException {
        Path data = Files.writeString(dir.resolve("d.csv"), "1,2,0\n");
        return CliTest.run("eval", "--backend", "reference", "--model", model.toString(), "--data", data.toString());
    }

    @Test
    void namesFromFilesCannotBreakTheLineOrDriveTheTerminal() throws IOException {
        Path evil = Files.write(dir.resolve("evil.safetensors"), safetensors("{" + t("x\\n\\u001b[2Jgotcha", "[1]", 0, 4)
                + "}", 4));
        oneLine(eval(evil), 2, "unexpected tensor 'x\\n\\u001b[2Jgotcha'");
        Path meta = Files.write(dir.resolve("meta.safetensors"), safetensors("{\"__metadata__\":{\"activation\":"
                + "\"\\u001b]0;title\\u0007relu\"}," + t("layers.0.weight", "[1,2]", 0, 8) + "," + t("layers.0.bias", "[1]", 8,
                12) + "}", 12));
        oneLine(eval(meta), 2, "activation '\\u001b]0;title\\u0007relu'");
        Path longKey = Files.write(dir.resolve("long.safetensors"), safetensors("{" + t("k".repeat(5_000_000), "[1]", 0,
                4) + "}", 4));
        String err = oneLine(eval(longKey), 2, "(cut: 5000000 characters in all)");
        assertTrue(err.length() < 2100, "a 5 MB key gives a line of " + err.length());
        Path nul = Files.writeString(dir.resolve("nul.csv"), "1,2\u0000,3\n");
        oneLine(train("--data", nul.toString(), "--targets", "1"), 2, "'2\\u0000' is not a number");
    }

    // Case 7: non-finite weights are refused on load.

    @Test
    void aModelWithNanOrInfiniteWeightsIsRefusedEverywhere() throws IOException {
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(Float.NaN)
                .putFloat(0).array();
        byte[] file = safetensors("{" + t("layers.0.weight", "[1,2]", 0, 8) + "," + t("layers.0.bias", "[1]", 8, 12)
                + "}", 0);
        byte[] nan = java.util.Arrays.copyOf(file, file.length + 12);
        System.arraycopy(data, 0, nan, file.length, 12);
        Path m = Files.write(dir.resolve("nan.safetensors"), nan);
        String expected = "tensor layers.0.weight holds NaN at index 1 (row 0, column 1)";
        oneLine(eval(m), 2, expected);
        Path csv = Files.writeString(dir.resolve("x.csv"), "1,2\n");
        oneLine(CliTest.run("predict", "--backend", "reference", "--model", m.toString(), "--data", csv.toString(),
                "--out", dir.resolve("p.csv").toString()), 2, expected);
        assertFalse(Files.exists(dir.resolve("p.csv")));
        oneLine(CliTest.run("train", "--backend", "reference", "--model-in", m.toString(), "--samples", "100"), 2,
                expected);
    }

    // Case 8: the smaller items.

    @Test
    void smallerItems() throws Exception {
        CliTest.Run r = CliTest.run("--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Try 'nabla --help' for the options."), r.err());
        r = CliTest.run("train", "--bogus");
        assertTrue(r.err().contains("Try 'nabla train --help' for the options."), r.err());
        r = CliTest.run("bench", "--help");
        assertEquals(0, r.code());
        assertEquals("", r.err(), "no picocli warning");
        assertTrue(r.out().contains("GEMM, % of the"), r.out());

        oneLine(eval(dir), 2, dir + ": a directory, not a model file");
        oneLine(train("--data", dir.toString()), 2, dir + ": a directory, not a CSV file");

        // kill -9 leftovers: temporaries of dead writers go on the next write to the same place
        Process gone = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        Path ck = dir.resolve("ck9");
        Files.createDirectories(ck);
        Path model = dir.resolve("model.safetensors");
        List<Path> stale = List.of(dir.resolve(".model.safetensors." + gone.pid() + ".0123abcd.tmp"),
                dir.resolve(".model.safetensors.89abcdef.tmp"),
                ck.resolve(".checkpoint-epoch-000001.safetensors." + gone.pid() + ".1f2e.tmp"),
                ck.resolve(".checkpoint-epoch-000004.safetensors.5a5a5a.tmp"));
        for (Path p : stale) {
            Files.write(p, new byte[1000]);
        }
        r = train("--epochs", "1", "--model-out", model.toString(), "--checkpoint-dir", ck.toString());
        assertEquals(0, r.code(), r.err());
        for (Path p : stale) {
            assertFalse(Files.exists(p), p + " removed");
        }

        // gzip with trailing garbage
        Path idx = dir.resolve("mnist");
        Files.createDirectories(idx);
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(raw);
        d.writeInt(0x0801);
        d.writeInt(2);
        d.write(new byte[2]);
        Files.write(idx.resolve("train-labels-idx1-ubyte"), raw.toByteArray());
        raw.reset();
        d.writeInt(0x0803);
        for (int x : new int[] {2, 2, 2}) {
            d.writeInt(x);
        }
        d.write(new byte[8]);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(gz)) {
            g.write(raw.toByteArray());
        }
        gz.write("garbage".getBytes(StandardCharsets.US_ASCII));
        Files.write(idx.resolve("train-images-idx3-ubyte.gz"), gz.toByteArray());
        oneLine(CliTest.run("train", "--backend", "reference", "--data", "idx:" + idx, "--layers", "4,3,10"), 2,
                "train-images-idx3-ubyte.gz: bytes after the end of the gzip data");
    }
}
