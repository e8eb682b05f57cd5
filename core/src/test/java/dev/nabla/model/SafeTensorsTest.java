package dev.nabla.model;

import dev.nabla.io.AtomicFiles;
import dev.nabla.io.ModelFormatException;
import dev.nabla.io.SafeTensorsFile;
import dev.nabla.io.SafeTensorsWriter;

import dev.nabla.nn.Parameters;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** Parameters with awkward values: signed zeros, subnormals, extremes, all exact in {@code dtype}. */
    static Parameters awkward(DType dtype, int... sizes) {
        Parameters p = Parameters.xavierUniform(7, sizes);
        SplittableRandom r = new SplittableRandom(3);
        for (int l = 0; l < p.layers(); l++) {
            for (double[] a : new double[][] {p.weight(l), p.bias(l)}) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = r.nextGaussian() * Math.pow(10, r.nextInt(-30, 30));
                }
                a[0] = -0.0;
                if (a.length > 2) {
                    a[1] = dtype == DType.FLOAT32 ? Float.MIN_VALUE : Double.MIN_VALUE;
                    a[2] = dtype == DType.FLOAT32 ? -Float.MAX_VALUE : -Double.MAX_VALUE;
                }
                if (dtype == DType.FLOAT32) {
                    for (int i = 0; i < a.length; i++) {
                        a[i] = (float) a[i];
                    }
                }
            }
        }
        return p;
    }

    @Test
    void saveThenLoadIsBitExactInBothDtypes() throws IOException {
        for (DType dtype : DType.values()) {
            Parameters p = awkward(dtype, 5, 7, 3, 2);
            Path file = dir.resolve("m-" + dtype + ".safetensors");
            ModelFile.save(file, p, dtype, Loss.BCE);
            ModelFile.Model m = ModelFile.read(file);
            assertEquals(dtype, m.dtype());
            assertEquals(Loss.BCE, m.loss());
            for (int l = 0; l < p.layers(); l++) {
                assertBitEqual(p.weight(l), m.parameters().weight(l));
                assertBitEqual(p.bias(l), m.parameters().bias(l));
            }
            assertEquals("5,7,3,2", m.metadata().get("layer_sizes"));
        }
    }

    static void assertBitEqual(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "element " + i);
        }
    }

    /**
     * An independent writer of the safetensors layout, from the format's description: u64 LE
     * header length; compact JSON with __metadata__ first, then the tensors in the order their data
     * is packed (same dtype here, so by name); spaces to an 8-byte boundary; data little-endian.
     */
    static byte[] referenceWrite(Map<String, String> metadata, TreeMap<String, Object[]> tensors, boolean f32) {
        StringBuilder json = new StringBuilder("{");
        List<String> parts = new java.util.ArrayList<>();
        if (!metadata.isEmpty()) {
            List<String> kv = new java.util.ArrayList<>();
            new TreeMap<>(metadata).forEach((k, v) -> kv.add("\"" + k + "\":\"" + v + "\""));
            parts.add("\"__metadata__\":{" + String.join(",", kv) + "}");
        }
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Object[]> t : tensors.entrySet()) {
            long[] shape = (long[]) t.getValue()[0];
            double[] values = (double[]) t.getValue()[1];
            ByteBuffer b = ByteBuffer.allocate(values.length * (f32 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                if (f32) {
                    b.putFloat((float) v);
                } else {
                    b.putDouble(v);
                }
            }
            data.writeBytes(b.array());
            StringBuilder s = new StringBuilder();
            for (long d : shape) {
                s.append(s.length() == 0 ? "" : ",").append(d);
            }
            parts.add(String.format("\"%s\":{\"dtype\":\"%s\",\"shape\":[%s],\"data_offsets\":[%d,%d]}", t.getKey(),
                    f32 ? "F32" : "F64", s, offset, offset + b.capacity()));
            offset += b.capacity();
        }
        json.append(String.join(",", parts)).append('}');
        while (json.length() % 8 != 0) {
            json.append(' ');
        }
        byte[] header = json.toString().getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.writeBytes(header);
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    @Test
    void aModelFileMatchesTheReferenceLayoutByteForByte() throws IOException {
        for (DType dtype : DType.values()) {
            // 12 layers, so that lexicographic order (layers.10 before layers.2) matters
            int[] sizes = {3, 4, 2, 5, 3, 2, 2, 3, 4, 2, 3, 2, 2};
            Parameters p = awkward(dtype, sizes);
            ByteArrayOutputStream nabla = new ByteArrayOutputStream();
            ModelFile.write(nabla, p, dtype, Loss.MSE);
            TreeMap<String, Object[]> tensors = new TreeMap<>();
            for (int l = 0; l < p.layers(); l++) {
                tensors.put("layers." + l + ".weight", new Object[] {new long[] {sizes[l + 1], sizes[l]}, p.weight(l)});
                tensors.put("layers." + l + ".bias", new Object[] {new long[] {sizes[l + 1]}, p.bias(l)});
            }
            Map<String, String> meta = Map.of("format", "nabla", "format_version", "1", "kind", "model",
                    "layer_sizes", "3,4,2,5,3,2,2,3,4,2,3,2,2", "activation", "sigmoid", "loss", "mse",
                    "dtype", dtype.toString());
            assertArrayEquals(referenceWrite(meta, tensors, dtype == DType.FLOAT32), nabla.toByteArray(), dtype.toString());
        }
    }

    @Test
    void knownAnswersOfTheFormatsOwnSerializationExamples() throws IOException {
        // The safetensors project's own examples: one F32 tensor holding 0..5, no metadata. Named
        // "attn.0" with shape [1, 2, 3] its JSON is 64 bytes, already aligned; named "attn0" with shape
        // [1, 1, 2, 3] it is 65 bytes, padded with 7 spaces to 72.
        assertKnownAnswer("attn.0", new long[] {1, 2, 3}, "");
        assertKnownAnswer("attn0", new long[] {1, 1, 2, 3}, "       ");
    }

    private static void assertKnownAnswer(String name, long[] shape, String padding) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensorsWriter.write(out, Map.of(), List.of(new SafeTensorsWriter.Tensor(name, "F32", shape,
                new double[] {0, 1, 2, 3, 4, 5})));
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(dims.length() == 0 ? "" : ",").append(d);
        }
        String header = "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + dims + "],\"data_offsets\":[0,24]}}"
                + padding;
        assertEquals(0, header.length() % 8);
        ByteBuffer expected = ByteBuffer.allocate(8 + header.length() + 24).order(ByteOrder.LITTLE_ENDIAN);
        expected.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 6; i++) {
            expected.putFloat(i);
        }
        assertArrayEquals(expected.array(), out.toByteArray());
    }

    @Test
    void checkpointsRoundTripWithVelocitiesAndState() throws IOException {
        Parameters w = awkward(DType.FLOAT64, 4, 3, 2);
        Parameters v = awkward(DType.FLOAT64, 4, 3, 2);
        v.weight(0)[5] = 123.0;
        try (CheckpointDirectory cd = CheckpointDirectory.open(dir.resolve("ck"), 2)) {
        for (int e = 1; e <= 3; e++) {
            cd.save(new Checkpoint(w, v, DType.FLOAT64, Loss.MSE, e, -9L, true, 0.25, 0.9, 32, 1000, "run-1"));
        }
        assertEquals(List.of(2, 3), cd.epochs());
        Checkpoint c = Checkpoint.load(cd.latest().orElseThrow());
        assertEquals(3, c.epochsDone());
        assertEquals(-9L, c.seed());
        assertEquals(0.25, c.learningRate());
        assertEquals(32, c.batchSize());
        assertEquals(1000, c.rows());
        assertBitEqual(v.weight(0), c.velocities().weight(0));
        assertBitEqual(w.bias(1), c.parameters().bias(1));
        // a checkpoint also loads as a model (its network part)
        assertEquals(w, ModelFile.read(cd.latest().orElseThrow()).parameters());
        assertEquals("run-1", c.runId());
        }
        Checkpoint noMomentum = new Checkpoint(awkward(DType.FLOAT32, 4, 3, 2), null, DType.FLOAT32, Loss.BCE, 1, 1,
                false, 1, 0, 8, 10, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        noMomentum.write(out);
        assertNull(Checkpoint.parse(out.toByteArray(), "c").velocities());
        // a model is not a checkpoint
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        ModelFile.write(model, w, DType.FLOAT64, Loss.MSE);
        assertTrue(assertThrows(ModelFormatException.class, () -> Checkpoint.parse(model.toByteArray(), "m"))
                .getMessage().contains("not a Nabla checkpoint"));
    }

    @Test
    void atomicWriteLeavesTheOldFileWhenWritingFails() throws IOException {
        Path file = dir.resolve("keep.safetensors");
        Parameters p = Parameters.xavierUniform(1, 3, 2);
        ModelFile.save(file, p, DType.FLOAT32, Loss.MSE);
        byte[] before = Files.readAllBytes(file);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[1000]);
            throw new IOException("No space left on device (simulated)");
        }));
        assertTrue(e.getMessage().contains("simulated"));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("keep.safetensors"), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    // ---------------------------------------------------------------- hostile files

    private static byte[] file(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }

    private static String t(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    /** A valid 2-1 network (weight [1,2], bias [1]) in F32: 12 bytes of data. */
    private static final String GOOD = "{" + t("layers.0.weight", "F32", "[1,2]", 0, 8) + ","
            + t("layers.0.bias", "F32", "[1]", 8, 12) + "}";

    static String rejected(byte[] bytes) {
        long before = allocatedBytes();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.parse(bytes, "bad.safetensors"));
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 8 << 20, "allocated " + allocated + " bytes while rejecting: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        return e.getMessage();
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void theGoodFileLoads() {
        assertEquals(2, ModelFile.parse(file(GOOD, 12), "good").parameters().sizes()[0]);
    }

    @Test
    void hostileFilesAreRejectedWithAClearMessage() {
        byte[] good = file(GOOD, 12);
        assertTrue(rejected(java.util.Arrays.copyOf(good, 5)).contains("too short"));
        assertTrue(rejected(java.util.Arrays.copyOf(good, good.length - 3)).contains("data_offsets [8, 12] run past the "
                + "data section (9 bytes)"));
        assertTrue(rejected(java.util.Arrays.copyOf(good, good.length + 3)).contains("the tensors cover 12 bytes but "
                + "the data section holds 15 (trailing bytes)"));
        byte[] longHeader = good.clone();
        ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 90_000_000L);
        assertTrue(rejected(longHeader).contains("header length 90000000 runs past the end of the file"));
        ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -2L);
        assertTrue(rejected(longHeader).contains("header length 18446744073709551614 exceeds"));
        ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
        assertTrue(rejected(longHeader).contains("exceeds the 100000000-byte limit"));
        assertTrue(rejected(file("[1,2]   ", 0)).contains("does not start with '{'"));
        assertTrue(rejected(file("{\"a\":1,}", 0)).contains("malformed JSON header"));
        assertTrue(rejected(file("{\"a\" 1}", 0)).contains("malformed JSON header: expected ':'"));
        assertTrue(rejected(file(GOOD.replace("}}", "}} x"), 12)).contains("unexpected text after the JSON value"));
        assertTrue(rejected(file("{" + t("x", "F32", "[1]", 0, 4) + "," + t("x", "F32", "[1]", 4, 8) + "}", 8))
                .contains("duplicate key 'x'"));
        assertTrue(rejected(file(GOOD.replace("[1,2]", "[1,2.0]"), 12)).contains("shape value 2.0 is not a non-negative integer"));
        assertTrue(rejected(file(GOOD.replace("\"F32\",\"shape\":[1]", "\"F33\",\"shape\":[1]"), 12))
                .contains("tensor 'layers.0.bias': unknown dtype 'F33'"));
        assertTrue(rejected(file(GOOD.replace("[8,12]", "[8,400]"), 12)).contains("data_offsets [8, 400] run past the "
                + "data section (12 bytes)"));
        assertTrue(rejected(file(GOOD.replace("[8,12]", "[4,8]"), 12)).contains("overlap tensor"));
        assertTrue(rejected(file(GOOD.replace("[8,12]", "[12,16]"), 16)).contains("belong to no tensor (a hole"));
        assertTrue(rejected(file(GOOD.replace("[8,12]", "[12,8]"), 12)).contains("end before they begin"));
        assertTrue(rejected(file(GOOD.replace("[1,2]", "[1,3]"), 12)).contains("needs 12 bytes but data_offsets [0, 8] hold 8"));
        assertTrue(rejected(file(GOOD.replace("[1,2]", "[4294967296,4294967296,4294967296]"), 12)).contains("overflows"));
        assertTrue(rejected(file(GOOD.replace("[1,2]", "[1000000,1000000]"), 12)).contains("needs 4000000000000 bytes"));
        assertTrue(rejected(file("{\"__metadata__\":{\"k\":1}," + GOOD.substring(1), 12)).contains("is not a string"));
        assertTrue(rejected(file(GOOD.replace("\"F32\",\"shape\":[1]", "\"BF16\",\"shape\":[2]"), 12))
                .contains("is BF16; Nabla networks are F32 or F64"));
        assertTrue(rejected(file("{" + t("layers.0.weight", "F32", "[1,2]", 0, 8) + "}", 8)).contains("missing tensor "
                + "layers.0.bias"));
        assertTrue(rejected(file(GOOD.replace("\"[1]\"", "").replace("\"shape\":[1]", "\"shape\":[2]")
                .replace("[8,12]", "[8,16]"), 16)).contains("the bias must be [1]"));
        String chain = "{" + t("layers.0.weight", "F32", "[2,2]", 0, 16) + "," + t("layers.0.bias", "F32", "[2]", 16, 24)
                + "," + t("layers.1.weight", "F32", "[1,3]", 24, 36) + "," + t("layers.1.bias", "F32", "[1]", 36, 40) + "}";
        assertTrue(rejected(file(chain, 40)).contains("shapes do not chain: layers.1.weight is [1, 3] but layer 0 has 2 "
                + "outputs"));
        assertTrue(rejected(file("{" + t("layers.1.weight", "F32", "[1,2]", 0, 8) + ","
                + t("layers.1.bias", "F32", "[1]", 8, 12) + "}", 12)).contains("missing tensor layers.0.weight"));
        assertTrue(rejected(file(GOOD.replace("}}", "}," + t("evil", "F32", "[1]", 12, 16) + "}"), 16))
                .contains("unexpected tensor 'evil'"));
        assertTrue(rejected(file(GOOD.replace("\"F32\",\"shape\":[1]", "\"F64\",\"shape\":[1]")
                .replace("[8,12]", "[8,16]"), 16)).contains("but others are F32"));
        assertTrue(rejected(file("{\"__metadata__\":{\"format_version\":\"2\"}," + GOOD.substring(1), 12))
                .contains("format_version '2'"));
        assertTrue(rejected(file("{\"__metadata__\":{\"layer_sizes\":\"2,5\"}," + GOOD.substring(1), 12))
                .contains("layer_sizes is '2,5' but the tensors say '2,1'"));
        assertTrue(rejected(file("{\"__metadata__\":{\"activation\":\"relu\"}," + GOOD.substring(1), 12))
                .contains("activation 'relu'"));
        assertTrue(rejected(file(GOOD.replace("\"dtype\":\"F32\",\"shape\":[1,2]",
                "\"dtype\":\"F32\",\"shape\":[1,2],\"extra\":1"), 12)).contains("unexpected key 'extra'"));
        assertTrue(rejected(file(GOOD.replace("weight\":{", "weight\":{\"x\":[[[[[[1]]]]]],"), 12)).contains("nested deeper"));
        byte[] badUtf8 = file(GOOD.replace("layers.0.weight", "layers.0.weigh\u00e9"), 12);
        for (int i = 8; i < badUtf8.length - 1; i++) {
            if (badUtf8[i] == (byte) 0xc3) {
                badUtf8[i] = (byte) 0xff;
            }
        }
        assertTrue(rejected(badUtf8).contains("not UTF-8"));
    }

    /** Files written by Python (json + struct, see the fuzz seed corpus) load with the values written. */
    @Test
    void filesWrittenByAnotherImplementationLoad() throws IOException {
        String base = "/dev/nabla/fuzz/ParserFuzzTestInputs/safetensors/";
        for (String name : new String[] {"model-f32.safetensors", "model-f64.safetensors", "no-metadata.safetensors"}) {
            byte[] bytes;
            try (var in = SafeTensorsTest.class.getResourceAsStream(base + name)) {
                bytes = in.readAllBytes();
            }
            ModelFile.Model m = ModelFile.parse(bytes, name);
            assertArrayEquals(new int[] {2, 3, 1}, m.parameters().sizes());
            assertEquals((float) -0.2, (float) m.parameters().weight(0)[1], name);
            assertEquals(0.25, m.parameters().bias(1)[0], name);
        }
        byte[] ck;
        try (var in = SafeTensorsTest.class.getResourceAsStream(base + "checkpoint.safetensors")) {
            ck = in.readAllBytes();
        }
        Checkpoint c = Checkpoint.parse(ck, "checkpoint");
        assertEquals(3, c.epochsDone());
        assertEquals((float) 0.01, (float) c.velocities().weight(0)[0]);
    }

    @Test
    void modelFilesOnDiskOverTheLimitAreNotRead() throws IOException {
        Path p = dir.resolve("missing.safetensors");
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelFile.read(p));
    }
}
