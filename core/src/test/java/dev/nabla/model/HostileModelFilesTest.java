package dev.nabla.model;

import dev.nabla.io.HeapPeak;
import dev.nabla.io.ModelFormatException;
import dev.nabla.io.SafeTensorsFile;
import dev.nabla.nn.Parameters;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Issue 14, cases 2, 6 and 7: model files that are devices, FIFOs, hostile names, non-finite weights. */
class HostileModelFilesTest {
    @TempDir
    Path dir;

    static byte[] model(Parameters p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFile.write(out, p, DType.FLOAT64, Loss.MSE);
        return out.toByteArray();
    }

    static byte[] safetensors(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
                .put(data).array();
    }

    static String tensor(String name, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    /** A 1-2 network's file whose weight [1, 2] holds {@code w0, w1} and bias {@code b}. */
    static byte[] withValues(float w0, float w1, float b) {
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(w0).putFloat(w1).putFloat(b)
                .array();
        return safetensors("{" + tensor("layers.0.weight", "[1,2]", 0, 8) + "," + tensor("layers.0.bias", "[1]", 8, 12)
                + "}", data);
    }

    @Test
    void nonFiniteWeightsAreRefusedWithTheTensorAndIndex() {
        String m = assertThrows(ModelFormatException.class, () -> ModelFile.parse(withValues(0.5f, Float.NaN, 0), "nan"))
                .getMessage();
        assertTrue(m.startsWith("nan: tensor layers.0.weight holds NaN at index 1 (row 0, column 1)"), m);
        m = assertThrows(ModelFormatException.class,
                () -> ModelFile.parse(withValues(0.5f, 1, Float.NEGATIVE_INFINITY), "inf")).getMessage();
        assertTrue(m.startsWith("inf: tensor layers.0.bias holds -Infinity at index 0"), m);
        ModelFile.parse(withValues(0.5f, 1, -2), "fine");
    }

    @Test
    void nonFiniteWeightsAreNeverWritten() throws IOException {
        Parameters p = Parameters.xavierUniform(1, 2, 3, 1);
        p.weight(1)[2] = Double.POSITIVE_INFINITY;
        Path f = dir.resolve("m.safetensors");
        Files.writeString(f, "the good file");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelFile.save(f, p, DType.FLOAT64, Loss.MSE))
                .getMessage().contains("tensor layers.1.weight holds Infinity at index 2"));
        p.weight(1)[2] = 1e300; // finite in float64, not in float32
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelFile.save(f, p, DType.FLOAT32, Loss.MSE))
                .getMessage().contains("beyond float32"));
        assertEquals("the good file", Files.readString(f));
    }

    @Test
    void namesAndMetadataFromTheFileAreEscapedAndCut() {
        String evil = "layers.0.weight\n\u001b[2J\u001b]0;owned\u0007";
        String m = assertThrows(ModelFormatException.class, () -> ModelFile.parse(safetensors("{"
                + tensor(evil.replace("\n", "\\n").replace("\u001b", "\\u001b").replace("\u0007", "\\u0007"), "[1,2]", 0, 8)
                + "," + tensor("layers.0.bias", "[1]", 8, 12) + "}", new byte[12]), "evil")).getMessage();
        assertTrue(m.contains("unexpected tensor 'layers.0.weight\\n\\u001b[2J\\u001b]0;owned\\u0007'"), m);
        assertFalse(m.chars().anyMatch(c -> c < 0x20), m);

        String key = "k".repeat(5_000_000);
        m = assertThrows(ModelFormatException.class, () -> ModelFile.parse(safetensors("{" + tensor(key, "[1]", 0, 4)
                + "}", new byte[4]), "long")).getMessage();
        assertTrue(m.length() < 400, "a 5 MB key gives a short message: " + m.length());
        assertTrue(m.contains("(cut: 5000000 characters in all)"), m);

        m = assertThrows(ModelFormatException.class, () -> ModelFile.parse(safetensors("{\"__metadata__\":{\"format\":"
                + "\"x\\u001b[31m\"}," + tensor("layers.0.weight", "[1,2]", 0, 8) + "," + tensor("layers.0.bias", "[1]", 8,
                12) + "}", new byte[12]), "meta")).getMessage();
        assertTrue(m.contains("format is 'x\\u001b[31m'"), m);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(20)
    void aLinkToDevZeroIsRefusedAtOnceWithoutFillingTheHeap() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("zero.safetensors"), Path.of("/dev/zero"));
        long peak = HeapPeak.during(() -> {
            String m = assertThrows(ModelFormatException.class, () -> ModelFile.read(link)).getMessage();
            assertEquals(link + ": the header does not start with '{' (not a safetensors file)", m);
        });
        assertTrue(peak < 1L << 30, "peak heap " + peak);
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelFile.read(dir)).getMessage()
                .endsWith("a directory, not a model file"));
    }

    /** A FIFO fed by a thread: what the reader gets is exactly {@code bytes}, then end of stream. */
    private Path fifo(String name, byte[] bytes) throws Exception {
        Path f = dir.resolve(name);
        Process mk = new ProcessBuilder("mkfifo", f.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(f)) {
                out.write(bytes);
            } catch (IOException e) {
                // the reader stopped early: that is what some tests want
            }
        });
        writer.setDaemon(true);
        writer.start();
        return f;
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(20)
    void aFifoIsReadAsFarAsItsHeaderDeclares() throws Exception {
        Parameters p = Parameters.xavierUniform(3, 2, 3, 1);
        byte[] good = model(p);
        assertEquals(p, ModelFile.read(fifo("good.fifo", good)).parameters());

        byte[] longer = java.util.Arrays.copyOf(good, good.length + 100);
        String m = assertThrows(ModelFormatException.class, () -> ModelFile.read(fifo("long.fifo", longer))).getMessage();
        assertTrue(m.contains("data continues past the"), m);

        byte[] shorter = java.util.Arrays.copyOf(good, good.length - 3);
        m = assertThrows(ModelFormatException.class, () -> ModelFile.read(fifo("short.fifo", shorter))).getMessage();
        assertTrue(m.contains("the data ends after"), m);

        byte[] claim = safetensors("{" + tensor("layers.0.weight", "[1,2]", 0, 8) + "," + tensor("layers.0.bias", "[1]",
                8, 1_500_000_000) + "}", new byte[0]);
        long peak = HeapPeak.during(() -> {
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> ModelFile.read(fifo("claim.fifo", claim))).getMessage();
            assertTrue(msg.contains("the data ends after") || msg.contains("need"), msg);
        });
        assertTrue(peak < 1L << 30, "peak heap " + peak);
    }

    @Test
    void aStreamStopsAtTheDeclaredLength() throws IOException {
        byte[] good = model(Parameters.xavierUniform(3, 2, 1));
        SafeTensorsFile f = SafeTensorsFile.read(new java.io.ByteArrayInputStream(good), "s");
        assertEquals(2, f.entries().size());
        byte[] zeros = new byte[64];
        assertTrue(assertThrows(ModelFormatException.class,
                () -> SafeTensorsFile.read(new java.io.ByteArrayInputStream(zeros), "z")).getMessage()
                .contains("does not start with '{'"));
    }
}
