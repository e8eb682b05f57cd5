package dev.nabla.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSourceAndHoldOutTest {
    @Test
    void specsParse() {
        assertEquals(new DataSource.Synthetic(), DataSource.parse("synthetic"));
        assertEquals(new DataSource.Idx(Path.of("data/mnist"), null), DataSource.parse("idx:data/mnist"));
        assertEquals(new DataSource.Idx(Path.of("a:b"), IdxLoader.Split.TEST), DataSource.parse("idx:a:b:test"));
        assertEquals(IdxLoader.Split.TRAIN, ((DataSource.Idx) DataSource.parse("idx:d:train")).splitOr(IdxLoader.Split.TEST));
        assertEquals(new DataSource.Csv(Path.of("x.csv")), DataSource.parse("x.csv"));
        assertEquals(new DataSource.Csv(Path.of("synthetic")), DataSource.parse("csv:synthetic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DataSource.parse("idx:")).getMessage()
                .contains("needs a directory"));
        assertThrows(IllegalArgumentException.class, () -> DataSource.parse(" "));
    }

    @Test
    void holdOutIsASeededPartitionOfTheRows() {
        int rows = 1000;
        float[] x = new float[rows * 2];
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            x[2 * r] = r;
            x[2 * r + 1] = -r - 1;
            y[r] = r % 2;
        }
        Dataset d = new Dataset(rows, 2, 1, x, y);
        HoldOut a = HoldOut.split(d, 0.2, 5);
        HoldOut b = HoldOut.split(d, 0.2, 5);
        assertEquals(800, a.train().rows());
        assertEquals(200, a.validation().rows());
        assertArrayEquals(a.validation().featureFloats(), b.validation().featureFloats());
        Set<Float> seen = new HashSet<>();
        for (Dataset part : new Dataset[] {a.train(), a.validation()}) {
            for (int r = 0; r < part.rows(); r++) {
                float id = part.featureFloats()[2 * r];
                assertEquals(-id - 1, part.featureFloats()[2 * r + 1]);
                assertEquals(id % 2, part.targetFloats()[r]);
                assertTrue(seen.add(id), "row " + id + " twice");
            }
        }
        assertEquals(rows, seen.size());
        // not simply the last rows
        assertTrue(a.validation().featureFloats()[0] < 800);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HoldOut.split(d, 0.0001, 1)).getMessage()
                .contains("leaves no validation row"));
        assertThrows(IllegalArgumentException.class, () -> HoldOut.split(d, 1.0, 1));
    }
}
