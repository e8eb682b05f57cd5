package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every hostile file the issue lists, through the command line: exit code 2, one line naming the
 * file and the problem, no stack trace. (That nothing is allocated to a claimed size is measured in
 * api's IdxLoaderTest and SafeTensorsTest.)
 */
class CliHostileInputTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
        return p;
    }

    private static void assertRejected(CliTest.Run r, String... expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("nabla: "), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), err);
        for (String e : expected) {
            assertTrue(err.contains(e), "expected '" + e + "' in: " + err);
        }
    }

    private static byte[] safetensors(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
                .array();
    }

    private static String t(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    private static final String GOOD = "{" + t("layers.0.weight", "F32", "[1,2]", 0, 8) + ","
            + t("layers.0.bias", "F32", "[1]", 8, 12) + "}";

    private CliTest.Run eval(Path model) throws IOException {
        Path data = dir.resolve("d.csv");
        Files.writeString(data, "1,2,0\n");
        return CliTest.run("eval", "--backend", "reference", "--model", model.toString(), "--data", data.toString());
    }

    @Test
    void hostileModelFiles() throws IOException {
        byte[] good = safetensors(GOOD, 12);
        Path ok = write("ok.safetensors", good);
        assertEquals(0, eval(ok).code(), eval(ok).err());

        assertRejected(eval(write("truncated.safetensors", java.util.Arrays.copyOf(good, good.length - 4))),
                "truncated.safetensors", "run past the data section");
        assertRejected(eval(write("tiny.safetensors", new byte[] {1, 2, 3})), "too short");
        byte[] longHeader = good.clone();
        ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 50_000_000L);
        assertRejected(eval(write("header.safetensors", longHeader)), "header length 50000000 runs past the end of the file");
        assertRejected(eval(write("offsets.safetensors", safetensors(GOOD.replace("[8,12]", "[8,4000]"), 12))),
                "data_offsets [8, 4000] run past the data section");
        assertRejected(eval(write("overlap.safetensors", safetensors(GOOD.replace("[8,12]", "[4,8]"), 12))),
                "overlap tensor");
        assertRejected(eval(write("dtype.safetensors", safetensors(GOOD.replace("\"F32\",\"shape\":[1]",
                "\"float32\",\"shape\":[1]"), 12))), "unknown dtype 'float32'");
        String chain = "{" + t("layers.0.weight", "F32", "[2,2]", 0, 16) + "," + t("layers.0.bias", "F32", "[2]", 16, 24)
                + "," + t("layers.1.weight", "F32", "[1,3]", 24, 36) + "," + t("layers.1.bias", "F32", "[1]", 36, 40) + "}";
        assertRejected(eval(write("chain.safetensors", safetensors(chain, 40))), "shapes do not chain");
        assertRejected(eval(write("giant.safetensors", safetensors(GOOD.replace("[1,2]", "[2147483647,2147483647]"), 12))),
                "shape [2147483647, 2147483647] overflows");
        assertRejected(eval(write("json.safetensors", safetensors("{\"layers.0.weight\":{\"dtype\":\"F32\",", 0))),
                "malformed JSON header");
        assertRejected(eval(dir.resolve("absent.safetensors")), "no such file", "absent.safetensors");
    }

    @Test
    void hostileCsvFiles() throws IOException {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "x,y,t\n1,2,0\n3,abc,1\n");
        assertRejected(CliTest.run("train", "--backend", "reference", "--data", bad.toString(), "--layers", "2,3,1"),
                bad + ", line 3, column 3: 'abc' is not a number");
        Files.writeString(bad, "1,2,0\n3,4\n");
        assertRejected(CliTest.run("train", "--backend", "reference", "--data", bad.toString(), "--layers", "2,3,1"),
                bad + ", line 2: 2 cells but the first line has 3");
        Files.writeString(bad, "1,2,0\n3,inf,1\n");
        assertRejected(CliTest.run("train", "--backend", "reference", "--data", bad.toString(), "--layers", "2,3,1"),
                "line 2, column 3: non-finite value 'inf'");
        Files.writeString(bad, "1,2,0\n3,4,7\n");
        assertRejected(CliTest.run("train", "--backend", "reference", "--data", bad.toString(), "--layers", "2,3,2",
                "--label-col", "2"), "line 2, column 5: label 7 is not a class index in 0..1 (--classes 2)");
        Files.writeString(bad, "1,2,0\n3,4,1\n");
        assertRejected(CliTest.run("train", "--backend", "reference", "--data", bad.toString()),
                "3 columns but --targets 4 leaves no input column (--targets defaults to the network's 4 outputs");
        assertRejected(CliTest.run("train", "--backend", "reference", "--data", bad.toString(), "--targets", "1"),
                "has 2 inputs and 1 targets per row but the network 8-16-4", "--layers 2,HIDDEN,1");
        Files.writeString(bad, "1,2,3\n");
        assertRejected(CliTest.run("train", "--backend", "reference", "--data", bad.toString(), "--layers", "2,3,1",
                "--loss", "bce"), "row 1, target 1 is 3.0, outside [0, 1], which bce needs");
    }

    private static byte[] idx(int type, int[] dims, int dataBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(type << 8 | dims.length);
        for (int x : dims) {
            d.writeInt(x);
        }
        d.write(new byte[dataBytes]);
        return b.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(raw);
        }
        return b.toByteArray();
    }

    private CliTest.Run trainIdx(Path d) {
        return CliTest.run("train", "--backend", "reference", "--data", "idx:" + d, "--layers", "4,3,10");
    }

    @Test
    void hostileIdxFiles() throws IOException {
        Path d = dir.resolve("mnist");
        write("mnist/train-labels-idx1-ubyte", idx(8, new int[] {2}, 2));
        write("mnist/train-images-idx3-ubyte", idx(8, new int[] {2, 2, 2}, 8));
        assertEquals(0, trainIdx(d).code(), trainIdx(d).err());

        Path images = write("mnist/train-images-idx3-ubyte", new byte[] {0x1f, 0x00, 0x08, 0x03, 0, 0, 0, 2});
        assertRejected(trainIdx(d), images.toString(), "not an IDX file (magic 0x1f000803");
        write("mnist/train-images-idx3-ubyte", idx(8, new int[] {60000, 28, 28}, 100));
        assertRejected(trainIdx(d), "claims 60000x28x28 = 47040000 bytes of data but the file holds 100",
                "truncated file or lying header");
        Files.delete(images);
        write("mnist/train-images-idx3-ubyte.gz", gzip(idx(8, new int[] {2_000_000_000, 1}, 64)));
        assertRejected(trainIdx(d), "train-images-idx3-ubyte.gz", "compressed bytes cannot hold that many (lying header)");
        write("mnist/train-images-idx3-ubyte.gz", gzip(idx(8, new int[] {2, 2, 2}, 8)).clone());
        byte[] cut = gzip(idx(8, new int[] {2, 2, 2}, 8));
        write("mnist/train-images-idx3-ubyte.gz", java.util.Arrays.copyOf(cut, cut.length - 12));
        assertRejected(trainIdx(d), "train-images-idx3-ubyte.gz", "truncated");
        write("mnist/train-images-idx3-ubyte.gz", gzip(idx(0x0D, new int[] {2, 1}, 8)));
        assertRejected(trainIdx(d), "IDX element type 0xd");
        assertRejected(CliTest.run("train", "--data", "idx:" + dir.resolve("nowhere")), "no such directory");
    }
}
