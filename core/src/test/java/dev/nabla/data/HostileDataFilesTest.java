package dev.nabla.data;

import dev.nabla.io.HeapPeak;
import dev.nabla.io.MemoryBudget;
import dev.nabla.io.MemoryLimitException;
import dev.nabla.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, cases 2, 6 and 8: CSV and IDX files that ask for too much, hide bytes, or carry control characters. */
class HostileDataFilesTest {
    @TempDir
    Path dir;

    private static final CsvFormat LABEL_8 = CsvFormat.defaults().withLabelColumn("8", 10_000_000);

    private static String rejected(byte[] csv, CsvFormat format) {
        return assertThrows(IllegalArgumentException.class,
                () -> CsvLoader.read(new ByteArrayInputStream(csv), "h.csv", format, csv.length)).getMessage();
    }

    @Test
    void aSmallCsvWithHugeClassesIsRefusedBeforeAnyTargetIsMade() {
        StringBuilder b = new StringBuilder();
        while (b.length() < 170) {
            b.append("1,2,3,4,5,6,7,8,1\n");
        }
        byte[] csv = b.toString().getBytes(StandardCharsets.US_ASCII);
        assertEquals("--classes 300000000: more than 16777216 classes (each row's one-hot targets would take 1.1 GiB)",
                assertThrows(IllegalArgumentException.class,
                        () -> CsvFormat.defaults().withLabelColumn("8", 300_000_000)).getMessage());
        String before = System.getProperty(MemoryBudget.LIMIT_PROPERTY);
        System.setProperty(MemoryBudget.LIMIT_PROPERTY, "256m");
        try {
            long peak = HeapPeak.during(() -> {
                String m = rejected(csv, LABEL_8); // up to 10 rows x 10 M classes: 400 MB of targets
                assertTrue(m.startsWith("h.csv with --classes 10000000: one-hot targets of 10000000 values a row"), m);
                assertTrue(m.contains("more than"), m);
            });
            assertTrue(peak < 1L << 30, "peak heap " + peak);
        } finally {
            if (before == null) {
                System.clearProperty(MemoryBudget.LIMIT_PROPERTY);
            } else {
                System.setProperty(MemoryBudget.LIMIT_PROPERTY, before);
            }
        }
    }

    @Test
    void aLineWithoutEndIsRefusedAtTheLimit() {
        InputStream endless = new InputStream() { // "1,1,1,..." for ever, no line break
            long n;

            @Override
            public int read() {
                return n++ % 2 == 0 ? '1' : ',';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                for (int i = 0; i < len; i++) {
                    b[off + i] = (byte) read();
                }
                return len;
            }
        };
        long peak = HeapPeak.during(() -> {
            String m = assertThrows(DataFormatException.class, () -> CsvLoader.read(endless, "one-line.csv",
                    CsvFormat.defaults().withTargetColumns(1), 400_000_000)).getMessage();
            assertEquals("one-line.csv, line 1: longer than " + CsvLoader.MAX_LINE_BYTES
                    + " bytes (one line is one example: is this a CSV file?)", m);
        });
        assertTrue(peak < 1L << 30, "peak heap " + peak);
    }

    @Test
    void invalidUtf8IsReportedOnItsOwnLine() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 1; i < 2500; i++) {
            b.writeBytes((i + ",0.5,1\n").getBytes(StandardCharsets.US_ASCII));
        }
        b.writeBytes(new byte[] {'1', ',', (byte) 0xff, (byte) 0xfe, ',', '1', '\n'});
        b.writeBytes("2,3,4\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("h.csv, line 2500: not UTF-8 text", rejected(b.toByteArray(), CsvFormat.defaults()
                .withTargetColumns(1)));
        // CRLF and lone CR still end lines
        byte[] crlf = "1,2\r\n3,4\r5,6\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(3, assertDoesNotThrow(crlf).rows());
    }

    private static Dataset assertDoesNotThrow(byte[] csv) {
        try {
            return CsvLoader.read(new ByteArrayInputStream(csv), "ok.csv", CsvFormat.defaults().withTargetColumns(1),
                    csv.length);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void controlCharactersInCellsAndHeadersAreEscaped() {
        String m = rejected("1,2\u0000,3\n".getBytes(StandardCharsets.UTF_8), CsvFormat.defaults().withTargetColumns(1));
        assertEquals("h.csv, line 1, column 3: '2\\u0000' is not a number", m);
        m = rejected("a\u001b[2J,b,c\n1,2,3\n".getBytes(StandardCharsets.UTF_8), CsvFormat.defaults()
                .withLabelColumn("label", 2));
        assertTrue(m.contains("(columns: a\\u001b[2J, b, c)"), m);
        m = rejected(("1," + "9".repeat(10_000) + "x,1\n").getBytes(StandardCharsets.UTF_8), CsvFormat.defaults()
                .withTargetColumns(1));
        assertTrue(m.length() < 400 && m.contains("(cut: 10001 characters in all)"), m);
        assertFalse(m.chars().anyMatch(c -> c < 0x20));
    }

    @Test
    void aDirectoryIsNamedAsOne() {
        assertEquals(dir + ": a directory, not a CSV file", assertThrows(DataFormatException.class,
                () -> CsvLoader.load(dir, CsvFormat.defaults().withTargetColumns(1))).getMessage());
        assertEquals(dir + ": a directory, not an IDX file", assertThrows(DataFormatException.class,
                () -> IdxFile.read(dir)).getMessage());
    }

    static byte[] idx(int[] dims, int dataBytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x08 << 8 | dims.length);
        for (int x : dims) {
            d.writeInt(x);
        }
        d.write(new byte[dataBytes]);
        return b.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(raw);
        }
        return b.toByteArray();
    }

    @Test
    void gzipWithTrailingGarbageIsRefusedAndConcatenatedMembersRead() throws IOException {
        byte[] good = gzip(idx(new int[] {2, 2}, 4));
        byte[] garbage = java.util.Arrays.copyOf(good, good.length + 7);
        garbage[good.length] = 'x';
        String m = assertThrows(DataFormatException.class,
                () -> IdxFile.read(new ByteArrayInputStream(garbage), garbage.length, "g.gz")).getMessage();
        assertEquals("g.gz: bytes after the end of the gzip data (trailing garbage: a damaged or appended-to file)", m);
        byte[] zeros = java.util.Arrays.copyOf(good, good.length + 1); // one zero byte is garbage too
        assertTrue(assertThrows(DataFormatException.class,
                () -> IdxFile.read(new ByteArrayInputStream(zeros), zeros.length, "z.gz")).getMessage()
                .contains("trailing garbage"));
        byte[] raw = idx(new int[] {2, 2}, 4);
        raw[raw.length - 1] = 7;
        byte[] first = gzip(java.util.Arrays.copyOf(raw, 10));
        byte[] second = gzip(java.util.Arrays.copyOfRange(raw, 10, raw.length));
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        IdxFile f = IdxFile.read(new ByteArrayInputStream(both), both.length, "cat.gz");
        assertEquals(7, f.data()[3]);
        byte[] badCrc = good.clone();
        badCrc[badCrc.length - 6] ^= 1;
        assertTrue(assertThrows(DataFormatException.class,
                () -> IdxFile.read(new ByteArrayInputStream(badCrc), badCrc.length, "crc.gz")).getMessage()
                .contains("CRC-32"));
    }

    @Test
    void anIdxSetClaimingMoreThanTheHeapIsRefusedFromItsHeadersAlone() throws IOException {
        Path d = dir.resolve("mnist");
        Files.createDirectories(d);
        Files.write(d.resolve("train-labels-idx1-ubyte"), idx(new int[] {60_000}, 60_000));
        // 2 MB of gzip may hold 2.1 G pixels (deflate reaches 1032:1): the header's claim is within that bound
        byte[] header = gzip(idx(new int[] {60_000, 35_000}, 0));
        byte[] padded = java.util.Arrays.copyOf(header, 2_100_000);
        Files.write(d.resolve("train-images-idx3-ubyte.gz"), padded);
        String before = System.getProperty(MemoryBudget.LIMIT_PROPERTY);
        System.setProperty(MemoryBudget.LIMIT_PROPERTY, "4g");
        try {
            long peak = HeapPeak.during(() -> {
                MemoryLimitException e = assertThrows(MemoryLimitException.class,
                        () -> IdxLoader.load(d, IdxLoader.Split.TRAIN, 10, DType.FLOAT32));
                assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz with --classes 10: 60000 images of 35000 "
                        + "pixels as float32 inputs"), e.getMessage());
            });
            assertTrue(peak < 1L << 30, "peak heap " + peak);
            // classes x rows alone
            Files.write(d.resolve("train-images-idx3-ubyte.gz"), gzip(idx(new int[] {60_000, 1}, 60_000)));
            assertTrue(assertThrows(MemoryLimitException.class,
                    () -> IdxLoader.load(d, IdxLoader.Split.TRAIN, 100_000, DType.FLOAT32)).getMessage()
                    .contains("with --classes 100000"));
        } finally {
            if (before == null) {
                System.clearProperty(MemoryBudget.LIMIT_PROPERTY);
            } else {
                System.setProperty(MemoryBudget.LIMIT_PROPERTY, before);
            }
        }
    }
}
