package dev.nabla.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxLoaderTest {
    @TempDir
    Path dir;

    /** Three 2x2 images and their labels, in MNIST's layout. */
    private void writeSet(Path d, String prefix, String sep, boolean gzip) throws IOException {
        Files.createDirectories(d);
        String gz = gzip ? ".gz" : "";
        IdxFile.of(new int[] {3, 2, 2}, new byte[] {0, (byte) 255, 51, 102, 1, 2, 3, 4, (byte) 128, 0, 0, 0})
                .write(d.resolve(prefix + "-images" + sep + "idx3-ubyte" + gz), gzip);
        IdxFile.of(new int[] {3}, new byte[] {7, 0, 9}).write(d.resolve(prefix + "-labels" + sep + "idx1-ubyte" + gz), gzip);
    }

    @Test
    void readsGzipAndRawSplitsScaledAndOneHot() throws IOException {
        writeSet(dir, "train", "-", true);
        writeSet(dir, "t10k", ".", false);
        Dataset train = IdxLoader.load(dir, IdxLoader.Split.TRAIN, 10);
        assertEquals(3, train.rows());
        assertEquals(4, train.inputs());
        assertEquals(10, train.outputs());
        assertArrayEquals(new float[] {0, 1, 0.2f, 0.4f}, java.util.Arrays.copyOf(train.featureFloats(), 4));
        assertEquals(1f, train.targetFloats()[7]);
        assertEquals(1f, train.targetFloats()[10]);
        assertEquals(1f, train.targetFloats()[29]);
        assertTrue(train.isOneHot());
        Dataset test = IdxLoader.load(dir, IdxLoader.Split.TEST, 10);
        assertArrayEquals(train.featureFloats(), test.featureFloats());
        assertTrue(IdxLoader.imagesFile(dir, IdxLoader.Split.TEST).toString().endsWith("t10k-images.idx3-ubyte"));
    }

    @Test
    void labelsMustFitTheClassesAndCountsMustMatch() throws IOException {
        writeSet(dir, "train", "-", false);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxLoader.load(dir, IdxLoader.Split.TRAIN, 8));
        assertTrue(e.getMessage().contains("label 9 of item 2 is outside 0..7"), e.getMessage());
        IdxFile.of(new int[] {2}, new byte[] {1, 2}).write(dir.resolve("train-labels-idx1-ubyte"), false);
        e = assertThrows(DataFormatException.class, () -> IdxLoader.load(dir, IdxLoader.Split.TRAIN, 10));
        assertTrue(e.getMessage().contains("holds 3 images but") && e.getMessage().contains("holds 2 labels"), e.getMessage());
    }

    @Test
    void missingFilesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IdxLoader.load(dir, IdxLoader.Split.TEST, 10));
        assertTrue(e.getMessage().contains("no test images file") && e.getMessage().contains("t10k-images-idx3-ubyte.gz"),
                e.getMessage());
    }

    static byte[] header(int type, int... dims) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(type << 8 | dims.length);
        for (int x : dims) {
            d.writeInt(x);
        }
        return b.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(raw);
        }
        return b.toByteArray();
    }

    private String rejected(byte[] bytes) throws IOException {
        Path p = dir.resolve("bad-idx");
        Files.write(p, bytes);
        long before = allocatedBytes();
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxFile.read(p));
        long allocated = allocatedBytes() - before;
        // The hostile headers below claim up to ~2 GB; rejecting them must not allocate anything near that.
        assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes while rejecting: " + e.getMessage());
        return e.getMessage();
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void hostileFilesAreRejectedBeforeAllocating() throws IOException {
        assertTrue(rejected(new byte[] {0, 0}).contains("too short for an IDX header"));
        assertTrue(rejected(new byte[] {1, 2, 8, 3}).contains("not an IDX file (magic 0x01020803"));
        assertTrue(rejected(header(0x0D, 2, 2)).contains("element type 0xd"));
        assertTrue(rejected(header(0x08)).contains("0 dimensions"));
        assertTrue(rejected(new byte[] {0, 0, 8, 3, 0, 0, 0, 5}).contains("truncated header"));
        assertTrue(rejected(header(0x08, 5, -1)).contains("dimension 1 is -1"));
        assertTrue(rejected(header(0x08, 60000, 28, 28)).contains("claims 60000x28x28 = 47040000 bytes of data but "
                + "the file holds 0"));
        byte[] h = header(0x08, 2, 2);
        byte[] extra = java.util.Arrays.copyOf(h, h.length + 5);
        assertTrue(rejected(extra).contains("trailing bytes"));
        assertTrue(rejected(header(0x08, 65536, 65536)).contains("too many for this reader"));
        // gzip: a tiny file claiming ~2 GB is refused from its compressed size alone
        assertTrue(rejected(gzip(header(0x08, 2_000_000, 1000))).contains("cannot hold that many (lying header)"));
        // gzip: a claim that deflate could reach, but the data stops early: memory follows the real data
        byte[] lying = new byte[header(0x08, 40_000_000).length + 1000];
        System.arraycopy(header(0x08, 40_000_000), 0, lying, 0, 8);
        byte[] big = gzip(java.util.Arrays.copyOf(lying, lying.length));
        byte[] padded = java.util.Arrays.copyOf(big, 60_000); // room under the ratio bound, then garbage after
        String m = rejected(padded);
        assertTrue(m.contains("the data ends after") || m.contains("corrupt gzip") || m.contains("truncated")
                || m.contains("bytes after the end of the gzip data"), m);
        byte[] truncatedGzip = java.util.Arrays.copyOf(gzip(new byte[4096]), 30);
        assertTrue(rejected(truncatedGzip).length() > 0);
    }
}
