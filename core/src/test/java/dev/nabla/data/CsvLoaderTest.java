package dev.nabla.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvLoaderTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void headerLabelColumnByNameBecomesOneHot() throws IOException {
        Path p = file("iris.csv", "a,b,label\n0.5,1e-1,2\n-3,4,0\n\n7,  8 ,1\n");
        Dataset d = CsvLoader.load(p, CsvFormat.defaults().withLabelColumn("label", 3));
        assertEquals(3, d.rows());
        assertEquals(2, d.inputs());
        assertEquals(3, d.outputs());
        assertArrayEquals(new float[] {0.5f, 0.1f, -3, 4, 7, 8}, d.featureFloats());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, d.targetFloats());
        assertTrue(d.isOneHot());
    }

    @Test
    void labelColumnByIndexAnywhereAndSemicolonDelimiter() throws IOException {
        Path p = file("m.csv", "1;0.25;0.75\n0;1;0\n");
        Dataset d = CsvLoader.load(p, CsvFormat.defaults().withDelimiter(';').withLabelColumn("0", 2));
        assertArrayEquals(new float[] {0.25f, 0.75f, 1, 0}, d.featureFloats());
        assertArrayEquals(new float[] {0, 1, 1, 0}, d.targetFloats());
    }

    @Test
    void lastKColumnsAreTargetsWithTabsQuotesAndCrlf() throws IOException {
        Path p = file("t.tsv", "\uFEFF\"x\"\t\"y\"\t\"t1\"\t\"t2\"\r\n1\t\"2\"\t0.1\t0.9\r\n3\t4\t1\t0\r\n");
        Dataset d = CsvLoader.load(p, CsvFormat.defaults().withDelimiter('\t').withTargetColumns(2));
        assertEquals(2, d.rows());
        assertArrayEquals(new float[] {1, 2, 3, 4}, d.featureFloats());
        assertArrayEquals(new float[] {0.1f, 0.9f, 1, 0}, d.targetFloats());
        assertFalse(d.isOneHot());
    }

    @Test
    void explicitHeaderOptionsOverrideDetection() throws IOException {
        Path p = file("n.csv", "1,2,3\n4,5,6\n");
        assertEquals(2, CsvLoader.load(p, CsvFormat.defaults().withTargetColumns(1)).rows());
        assertEquals(1, CsvLoader.load(p, CsvFormat.defaults().withTargetColumns(1)
                .withHeader(CsvFormat.Header.PRESENT)).rows());
        Path h = file("h.csv", "0,1,2x\n4,5,6\n");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> CsvLoader.load(h, CsvFormat.defaults().withTargetColumns(1)));
        assertTrue(e.getMessage().contains("line 1, column 5") && e.getMessage().contains("--header"), e.getMessage());
        assertEquals(1, CsvLoader.load(h, CsvFormat.defaults().withTargetColumns(1)
                .withHeader(CsvFormat.Header.PRESENT)).rows());
    }

    @Test
    void featuresOnlyDropsNamedTargetColumns() throws IOException {
        Path p = file("p.csv", "label,a,b\n3,1,2\n");
        Features all = CsvLoader.loadFeatures(p, CsvFormat.defaults());
        assertEquals(3, all.inputs());
        Features some = CsvLoader.loadFeatures(p, CsvFormat.defaults().withLabelColumn("label", 10));
        assertEquals(2, some.inputs());
        assertArrayEquals(new float[] {1, 2}, some.floatValues());
    }

    @Test
    void everyMalformedCellIsReportedWithFileLineAndColumn() throws IOException {
        CsvFormat f = CsvFormat.defaults().withTargetColumns(1);
        assertError("a.csv", "1,2,3\n4,x5,6\n", f, "a.csv, line 2, column 3: 'x5' is not a number");
        assertError("b.csv", "1,2,3\n4,5\n", f, "b.csv, line 2: 2 cells but the first line has 3");
        assertError("c.csv", "1,2,3\n4,5,6,7\n", f, "c.csv, line 2: 4 cells but the first line has 3");
        assertError("d.csv", "1,2,3\n4,NaN,6\n", f, "d.csv, line 2, column 3: non-finite value 'NaN'");
        assertError("e.csv", "1,2,3\n4,-inf,6\n", f, "d.csv".replace('d', 'e') + ", line 2, column 3: non-finite value '-inf'");
        assertError("f.csv", "1,2,3\n4,1e39,6\n", f, "f.csv, line 2, column 3: value 1e39 is outside the float32 range");
        assertError("g.csv", "1,2,3\n4,,6\n", f, "g.csv, line 2, column 3: empty cell");
        assertError("h.csv", "1,2,3\n4,\"5,6\n", f, "h.csv, line 2, column 3: unterminated quoted cell");
        assertError("i.csv", "", f, "i.csv: no data rows (the file is empty)");
        assertError("j.csv", "a,b,c\n", f, "j.csv: no data rows");
        assertError("k.csv", "1,2\n", CsvFormat.defaults().withTargetColumns(2), "--targets 2 leaves no input column");
        CsvFormat label = CsvFormat.defaults().withLabelColumn("2", 3);
        assertError("l.csv", "1,2,3\n", label, "l.csv, line 1, column 5: label 3 is not a class index in 0..2");
        assertError("m.csv", "1,2,1.5\n", label, "m.csv, line 1, column 5: label 1.5 is not a class index");
        assertError("n.csv", "1,2,-1\n", label, "label -1 is not a class index");
        assertError("o.csv", "1,2,1\n", CsvFormat.defaults().withLabelColumn("7", 3), "--label-col 7 but the rows have 3");
        assertError("p.csv", "a,b\n1,2\n", CsvFormat.defaults().withLabelColumn("c", 3), "no column named 'c'");
        assertError("q.csv", "1,2\n", CsvFormat.defaults().withLabelColumn("c", 3), "is a name but the file has no header");
        assertError("r.csv", "1,0x10,2\n", f, "'0x10' is not a number");
        assertError("s.csv", "1,2f,2\n", f, "'2f' is not a number");
    }

    @Test
    void invalidUtf8IsReported() {
        byte[] bytes = {'1', ',', (byte) 0xff, '\n'};
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvLoader.read(
                new ByteArrayInputStream(bytes), "u.csv", CsvFormat.defaults().withTargetColumns(1), bytes.length));
        assertTrue(e.getMessage().startsWith("u.csv, line 1: not UTF-8"), e.getMessage());
    }

    @Test
    void loadingNeedsTargets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvLoader.read(
                new ByteArrayInputStream("1,2\n".getBytes(StandardCharsets.UTF_8)), "v.csv", CsvFormat.defaults(), 4));
        assertTrue(e.getMessage().contains("--targets K"), e.getMessage());
    }

    private void assertError(String name, String text, CsvFormat f, String expected) throws IOException {
        Path p = file(name, text);
        DataFormatException e = assertThrows(DataFormatException.class, () -> CsvLoader.load(p, f));
        String m = e.getMessage().replace(dir + "/", "");
        assertTrue(m.contains(expected), "expected '" + expected + "' in: " + m);
    }
}
