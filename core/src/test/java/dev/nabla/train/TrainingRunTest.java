package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.model.Checkpoint;
import dev.nabla.model.CheckpointDirectory;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library's training entry point on the reference backend: settings, files, resume, failures. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingRunTest {
    private static final int[] SIZES = {6, 9, 3};
    private final Dataset data = SyntheticTeacher.generate(5, 90, 6, 4, 3);
    private Backend backend;

    @TempDir
    Path dir;

    @BeforeAll
    void open() {
        backend = Backends.create("reference");
    }

    @AfterAll
    void close() {
        backend.close();
    }

    private Network network(DType dtype) {
        return Network.builder().layers(SIZES).dtype(dtype).seed(3).build(backend);
    }

    private TrainingRun.Builder run(int epochs) {
        return TrainingRun.builder().learningRate(1.5).momentum(0.9).batchSize(16).epochs(epochs).seed(11);
    }

    private List<String> checkpointNames(Path ck) throws IOException {
        try (Stream<Path> files = Files.list(ck)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(CheckpointDirectory.LOCK_FILE))
                    .sorted().toList();
        }
    }

    @Test
    void settingsAreNamedAndCheckedWhenBuilt() {
        TrainingSettings s = TrainingSettings.builder().learningRate(0.5).batchSize(32).epochs(3).seed(7).build();
        assertEquals(0.0, s.momentum(), "plain SGD by default, as PyTorch, Keras and DL4J");
        assertTrue(s.shuffle());
        assertEquals(0.5, s.toBuilder().build().learningRate());
        assertTrue(assertThrows(IllegalStateException.class, () -> TrainingSettings.builder().build()).getMessage()
                .contains("learning rate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().learningRate(0.1)
                .momentum(1).build()).getMessage().contains("momentum must be in [0, 1), got 1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().learningRate(0.1)
                .batchSize(0).build()).getMessage().contains("batch size must be positive, got 0"));
        assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().learningRate(Double.NaN).build());
        assertThrows(IllegalArgumentException.class, () -> TrainingSettings.builder().learningRate(1).epochs(-1).build());
    }

    @Test
    void epochOrderIsAPermutationFixedBySeedAndEpoch() {
        int[] e0 = EpochOrder.shuffled(100, 42, 0);
        assertArrayEquals(e0, EpochOrder.shuffled(100, 42, 0));
        assertFalse(Arrays.equals(e0, EpochOrder.shuffled(100, 42, 1)), "a new order each epoch");
        assertFalse(Arrays.equals(e0, EpochOrder.shuffled(100, 43, 0)), "a new order for another seed");
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        assertArrayEquals(EpochOrder.identity(100), sorted);
    }

    @Test
    void lambdasSeeEveryBatchAndEpochCountedFromOne() throws IOException {
        List<String> events = new ArrayList<>();
        try (Network net = network(DType.FLOAT64)) {
            TrainingResult r = run(2)
                    .onBatchEnd((epoch, batch, batches) -> events.add(epoch + ":" + batch + "/" + batches))
                    .onEpochEnd(report -> events.add("end " + report.epoch() + "/" + report.epochs()))
                    .build().fit(net, data);
            assertEquals(TrainingResult.Status.COMPLETED, r.status());
            assertEquals(2, r.epochsDone());
            assertEquals(2, r.epochs().size());
            assertTrue(r.last().loss() < r.epochs().get(0).loss() * 1.5);
        }
        // 90 rows in batches of 16: five of 16 and one of 10 per epoch.
        assertEquals(List.of("1:1/6", "1:2/6", "1:3/6", "1:4/6", "1:5/6", "1:6/6", "end 1/2",
                "2:1/6", "2:2/6", "2:3/6", "2:4/6", "2:5/6", "2:6/6", "end 2/2"), events);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void resumingGivesTheSameBitsAsRunningStraight(DType dtype) throws IOException {
        Parameters straight;
        try (Network net = network(dtype)) {
            run(4).build().fit(net, data);
            straight = net.parameters();
        }
        Path ck = dir.resolve("ck-" + dtype);
        try (Network net = network(dtype)) {
            TrainingResult first = run(2).checkpointDir(ck).build().fit(net, data);
            assertEquals(ck.resolve("checkpoint-epoch-000002.safetensors"), first.lastCheckpoint());
        }
        Checkpoint c = Checkpoint.load(CheckpointDirectory.latestIn(ck).orElseThrow());
        assertNotNull(c.runId());
        try (Network net = c.toNetwork(backend)) {
            TrainingResult rest = TrainingRun.builder().resumeFrom(c).epochs(4).checkpointDir(ck).build().fit(net, data);
            assertEquals(4, rest.epochsDone());
            assertEquals(2, rest.epochs().size(), "only the two missing epochs ran");
            assertEquals(3, rest.epochs().get(0).epoch());
            assertEquals(straight, net.parameters(), "2 epochs + resume + 2 epochs = 4 epochs, bit for bit");
        }
        assertEquals(List.of("checkpoint-epoch-000003.safetensors", "checkpoint-epoch-000004.safetensors"),
                checkpointNames(ck));
        assertEquals(c.runId(), Checkpoint.load(ck.resolve("checkpoint-epoch-000004.safetensors")).runId(),
                "a resumed run keeps its identity");
    }

    @Test
    void aNewRunRefusesADirectoryHoldingAnotherRunsCheckpoints() throws IOException {
        Path ck = dir.resolve("shared");
        try (Network net = network(DType.FLOAT32)) {
            run(3).checkpointDir(ck).build().fit(net, data);
        }
        List<String> before = checkpointNames(ck);
        assertEquals(List.of("checkpoint-epoch-000002.safetensors", "checkpoint-epoch-000003.safetensors"), before);
        List<Integer> epochsRun = new ArrayList<>();
        try (Network net = network(DType.FLOAT32)) {
            CheckpointDirectoryTakenException e = assertThrows(CheckpointDirectoryTakenException.class,
                    () -> run(1).checkpointDir(ck).onEpochEnd(r -> epochsRun.add(r.epoch())).build().fit(net, data));
            assertTrue(e.getMessage().contains("holds checkpoints of an earlier run (epochs 2 to 3)"), e.getMessage());
        }
        assertEquals(List.of(), epochsRun, "refused before any step");
        assertEquals(before, checkpointNames(ck), "nothing deleted");
        try (Network net = network(DType.FLOAT32)) {
            run(1).checkpointDir(ck).overwriteCheckpoints(true).build().fit(net, data);
        }
        assertEquals(List.of("checkpoint-epoch-000001.safetensors"), checkpointNames(ck),
                "with overwriting allowed the earlier run's files go and the new run's epoch 1 stays");
    }

    @Test
    void resumingAnotherRunsDirectoryIsRefused() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (Network net = network(DType.FLOAT32)) {
            run(1).checkpointDir(a).build().fit(net, data);
        }
        try (Network net = network(DType.FLOAT32)) {
            run(1).checkpointDir(b).build().fit(net, data);
        }
        Checkpoint fromA = Checkpoint.load(CheckpointDirectory.latestIn(a).orElseThrow());
        try (Network net = fromA.toNetwork(backend)) {
            CheckpointDirectoryTakenException e = assertThrows(CheckpointDirectoryTakenException.class,
                    () -> TrainingRun.builder().resumeFrom(fromA).epochs(2).checkpointDir(b).build().fit(net, data));
            assertTrue(e.getMessage().contains("another run's checkpoints"), e.getMessage());
        }
    }

    @Test
    void aSecondLiveRunOnTheDirectoryIsRefusedAndStaleTemporariesAreRemoved() throws IOException {
        Path ck = dir.resolve("live");
        Files.createDirectories(ck);
        Path stale = ck.resolve(".checkpoint-epoch-000007.safetensors.1f2e3d4c.tmp");
        Files.write(stale, new byte[100]);
        Path foreign = ck.resolve("notes.txt");
        Files.writeString(foreign, "mine");
        try (CheckpointDirectory held = CheckpointDirectory.open(ck, 2); Network net = network(DType.FLOAT32)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> run(1).checkpointDir(ck).build().fit(net, data));
            assertTrue(e.getMessage().contains("is in use by another training run (process "
                    + ProcessHandle.current().pid() + ")"), e.getMessage());
        }
        assertFalse(Files.exists(stale), "the dead writer's temporary file is gone");
        assertEquals("mine", Files.readString(foreign), "other files are left alone");
        try (Network net = network(DType.FLOAT32)) {
            run(1).checkpointDir(ck).build().fit(net, data);
        }
        assertEquals(List.of("checkpoint-epoch-000001.safetensors", "notes.txt"), checkpointNames(ck));
    }

    @Test
    void rotationNeverDeletesTheCheckpointJustWritten() throws IOException {
        Path ck = dir.resolve("rot");
        try (Network net = network(DType.FLOAT64)) {
            run(4).checkpointDir(ck).build().fit(net, data);
        }
        // Resume the same run from an older checkpoint that still exists: its new epoch 3 must survive
        // next to the newer files of the abandoned branch.
        Checkpoint third = Checkpoint.load(ck.resolve("checkpoint-epoch-000003.safetensors"));
        Files.delete(ck.resolve("checkpoint-epoch-000004.safetensors"));
        Files.copy(ck.resolve("checkpoint-epoch-000003.safetensors"), ck.resolve("checkpoint-epoch-000009.safetensors"));
        Checkpoint second = new Checkpoint(third.parameters(), third.velocities(), third.dtype(), third.loss(), 2,
                third.seed(), third.shuffle(), third.learningRate(), third.momentum(), third.batchSize(), third.rows(),
                third.runId());
        try (Network net = second.toNetwork(backend)) {
            TrainingResult r = TrainingRun.builder().resumeFrom(second).epochs(3).checkpointDir(ck).build()
                    .fit(net, data);
            assertEquals(ck.resolve("checkpoint-epoch-000003.safetensors"), r.lastCheckpoint());
        }
        assertEquals(List.of("checkpoint-epoch-000003.safetensors", "checkpoint-epoch-000009.safetensors"),
                checkpointNames(ck));
    }

    @Test
    void divergenceNamesEpochBatchAndTheLastGoodCheckpoint() throws IOException {
        Path ck = dir.resolve("div");
        Parameters afterOne;
        try (Network net = network(DType.FLOAT32)) {
            run(1).checkpointDir(ck).build().fit(net, data);
            afterOne = net.parameters();
        }
        Checkpoint c = Checkpoint.load(CheckpointDirectory.latestIn(ck).orElseThrow());
        try (Network net = c.toNetwork(backend)) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> TrainingRun.builder()
                    .resumeFrom(c).learningRate(1e308).epochs(3).checkpointDir(ck).build().fit(net, data));
            assertEquals(2, e.epoch());
            assertTrue(e.batch() >= 2, "the first batch of epoch 2 starts from good weights");
            assertEquals(ck.resolve("checkpoint-epoch-000001.safetensors"), e.lastCheckpoint());
            assertTrue(e.getMessage().contains("the last good checkpoint is " + e.lastCheckpoint()), e.getMessage());
        }
        assertEquals(afterOne, Checkpoint.load(ck.resolve("checkpoint-epoch-000001.safetensors")).parameters());
    }

    @Test
    void aStopRequestEndsTheRunBetweenSteps() throws IOException {
        try (Network net = network(DType.FLOAT32)) {
            TrainingRun[] self = new TrainingRun[1];
            self[0] = run(5).modelOut(dir.resolve("never.safetensors")).onBatchEnd((epoch, batch, batches) -> {
                if (epoch == 2 && batch == 3) {
                    self[0].requestStop();
                }
            }).build();
            TrainingResult r = self[0].fit(net, data);
            assertEquals(TrainingResult.Status.STOPPED, r.status());
            assertEquals(1, r.epochsDone());
            assertEquals(1, r.epochs().size());
            assertNull(r.model());
            assertFalse(Files.exists(dir.resolve("never.safetensors")), "a stopped run saves no model");
        }
    }

    @Test
    void theJsonLogHasOneLinePerEpochAndAResumedRunAppends() throws IOException {
        Path log = dir.resolve("log.jsonl");
        Path ck = dir.resolve("logck");
        Dataset validation = SyntheticTeacher.generate(6, 30, 6, 4, 3);
        try (Network net = network(DType.FLOAT32)) {
            run(2).validation(validation).jsonLog(log).checkpointDir(ck).build().fit(net, data);
        }
        Checkpoint c = Checkpoint.load(CheckpointDirectory.latestIn(ck).orElseThrow());
        try (Network net = c.toNetwork(backend)) {
            TrainingRun.builder().resumeFrom(c).epochs(3).validation(validation).jsonLog(log).checkpointDir(ck).build()
                    .fit(net, data);
        }
        List<String> lines = Files.readAllLines(log);
        assertEquals(3, lines.size(), lines.toString());
        for (int e = 1; e <= 3; e++) {
            String line = lines.get(e - 1);
            assertTrue(line.startsWith("{\"epoch\":" + e + ",\"loss\":") && line.contains("\"val_loss\":")
                    && !line.contains("val_accuracy") && line.endsWith("}"), line);
        }
    }

    @Test
    void outputPathsAreCheckedBeforeAnyStep() throws IOException {
        List<Integer> epochs = new ArrayList<>();
        try (Network net = network(DType.FLOAT32)) {
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> run(1)
                    .modelOut(dir.resolve("no/such/dir/m.safetensors")).onEpochEnd(r -> epochs.add(r.epoch()))
                    .build().fit(net, data));
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
            Files.createDirectories(dir.resolve("adir"));
            IllegalArgumentException directory = assertThrows(IllegalArgumentException.class, () -> run(1)
                    .modelOut(dir.resolve("adir")).build().fit(net, data));
            assertTrue(directory.getMessage().contains("is a directory"), directory.getMessage());
        }
        assertEquals(List.of(), epochs);
    }

    @Test
    void theModelIsSavedWithItsLossAndLoadsInOneCall() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Dataset oneHot = Dataset.of(new float[][] {{0, 0, 0, 0, 0, 1}, {1, 0, 0, 0, 0, 0}},
                new float[][] {{1, 0, 0}, {0, 0, 1}});
        try (Network net = Network.builder().layers(SIZES).loss(Loss.BCE).seed(1).build(backend)) {
            TrainingResult r = run(3).modelOut(file).build().fit(net, oneHot);
            assertEquals(file, r.model());
            try (Network loaded = ModelFile.load(file, backend)) {
                assertEquals(Loss.BCE, loaded.loss());
                assertEquals(DType.FLOAT32, loaded.dtype());
                assertEquals(net.parameters(), loaded.parameters());
                assertArrayEquals(net.predict(new float[][] {{1, 2, 3, 4, 5, 6}})[0],
                        loaded.predict(new float[][] {{1, 2, 3, 4, 5, 6}})[0]);
            }
        }
    }

    @Test
    void dataThatDoesNotFitTheNetworkIsRefusedWithBothShapes() {
        try (Network net = Network.builder().layers(6, 4, 2).loss(Loss.BCE).build(backend)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> run(1).build().fit(net, data));
            assertTrue(e.getMessage().contains("6 inputs and 3 targets per row but the network 6-4-2"), e.getMessage());
        }
        try (Network net = Network.builder().layers(1, 1).loss(Loss.BCE).build(backend)) {
            Dataset bad = Dataset.of(new float[][] {{0}}, new float[][] {{2}});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> run(1).build().fit(net, bad));
            assertTrue(e.getMessage().contains("row 1, target 1 is 2.0, outside [0, 1], which bce needs"),
                    e.getMessage());
        }
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void aJsonLogThatCannotBeWrittenIsAbandonedWithAWarningAndTheModelIsStillSaved() throws IOException {
        Path model = dir.resolve("after-full-log.safetensors");
        List<String> warnings = new ArrayList<>();
        try (Network net = network(DType.FLOAT32)) {
            TrainingResult r = run(2).jsonLog(Path.of("/dev/full")).modelOut(model).listener(new TrainingListener() {
                @Override
                public void onWarning(String message) {
                    warnings.add(message);
                }
            }).build().fit(net, data);
            assertEquals(TrainingResult.Status.COMPLETED, r.status());
        }
        assertEquals(List.of("cannot write the JSON log /dev/full (No space left on device) after epoch 1; training "
                + "goes on without it"), warnings);
        assertTrue(Files.isRegularFile(model));
        assertFalse(Files.isRegularFile(Path.of("/dev/full")), "/dev/full is still a device");
    }

    @Test
    void outputsAreCheckedBeforeAnyDataIsRead() throws IOException {
        Path ck = dir.resolve("early");
        Files.createDirectories(ck);
        try (Network net = network(DType.FLOAT32)) {
            run(3).checkpointDir(ck).build().fit(net, data);
        }
        List<String> before = checkpointNames(ck);
        TrainingRun next = run(3).checkpointDir(ck).build();
        CheckpointDirectoryTakenException e = assertThrows(CheckpointDirectoryTakenException.class,
                () -> next.checkOutputs(SIZES, DType.FLOAT32));
        assertTrue(e.getMessage().contains("epochs 2 to 3"), e.getMessage());
        assertEquals(before, checkpointNames(ck), "nothing deleted");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run(1).modelOut(dir.resolve("none/m"))
                .build().checkOutputs(SIZES, DType.FLOAT32)).getMessage().contains("does not exist"));
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> run(1).checkpointDir(file).build()
                .checkOutputs(SIZES, DType.FLOAT32)).getMessage().contains("is a file"));
        run(1).modelOut(dir.resolve("fine.safetensors")).checkpointDir(dir.resolve("new/ck")).build()
                .checkOutputs(SIZES, DType.FLOAT32);
        assertTrue(Files.isDirectory(dir.resolve("new/ck")));
    }

    @Test
    void aRunStoppedAfterItsFirstEpochNamesThatEpochsCheckpoint() throws IOException {
        Path ck = dir.resolve("stop-after-1");
        try (Network net = network(DType.FLOAT32)) {
            TrainingRun[] holder = new TrainingRun[1];
            holder[0] = run(5).checkpointDir(ck).onEpochEnd(r -> holder[0].requestStop()).build();
            TrainingResult r = holder[0].fit(net, data);
            assertEquals(TrainingResult.Status.STOPPED, r.status());
            assertEquals(1, r.epochsDone());
            assertEquals(ck.resolve("checkpoint-epoch-000001.safetensors"), r.lastCheckpoint());
            assertTrue(Files.exists(r.lastCheckpoint()));
        }
    }
}
