package dev.nabla.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nabla.data.CsvFormat;
import dev.nabla.data.CsvLoader;
import dev.nabla.data.DataFormatException;
import dev.nabla.data.Dataset;
import dev.nabla.data.Features;
import dev.nabla.data.IdxFile;
import dev.nabla.model.Checkpoint;
import dev.nabla.model.ModelFile;
import dev.nabla.io.ModelFormatException;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the three parsers that read untrusted files. The property: any input
 * either parses into something consistent or is rejected with the parser's own one-line
 * exception (short, naming the file, with no control character from the input); any other exception (an index out of bounds, a NumberFormatException escaping, an
 * OutOfMemoryError from trusting a claimed size) is a finding.
 *
 * <p>{@code mvn verify} replays the seed corpus in {@code src/test/resources/dev/nabla/fuzz/
 * ParserFuzzTestInputs/METHOD/} (Jazzer's regression mode). To fuzz one parser for real, e.g. for
 * ten minutes: {@code JAZZER_FUZZ=1 mvn -pl core -am verify -Dtest=ParserFuzzTest#safetensors
 * -Djazzer.max_duration=10m} (see README, "Fuzzing").
 */
class ParserFuzzTest {
    private static final CsvFormat[] CSV_FORMATS = {
        CsvFormat.defaults().withTargetColumns(1),
        CsvFormat.defaults().withLabelColumn("0", 3),
        CsvFormat.defaults().withDelimiter(';').withHeader(CsvFormat.Header.PRESENT).withLabelColumn("label", 2),
        CsvFormat.defaults().withHeader(CsvFormat.Header.ABSENT).withTargetColumns(2),
    };

    @FuzzTest(maxDuration = "30s")
    void csv(byte[] input) throws IOException {
        for (CsvFormat f : CSV_FORMATS) {
            try {
                Dataset d = CsvLoader.read(new ByteArrayInputStream(input), "fuzz.csv", f, input.length);
                assertEquals((long) d.rows() * d.inputs(), d.featureFloats().length);
                assertEquals((long) d.rows() * f.outputs(), d.targetFloats().length);
                for (float v : d.featureFloats()) {
                    assertTrue(Float.isFinite(v));
                }
            } catch (DataFormatException expected) {
                assertPrintable(expected, "fuzz.csv");
            }
        }
        try {
            Features x = CsvLoader.readFeatures(new ByteArrayInputStream(input), "fuzz.csv", CsvFormat.defaults(),
                    input.length);
            assertEquals((long) x.rows() * x.inputs(), x.floatValues().length);
        } catch (DataFormatException expected) {
            assertPrintable(expected, "fuzz.csv");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void idx(byte[] input) throws IOException {
        try {
            IdxFile f = IdxFile.read(new ByteArrayInputStream(input), input.length, "fuzz.idx");
            long n = 1;
            for (int d : f.dims()) {
                assertTrue(d > 0);
                n *= d;
            }
            assertEquals(n, f.data().length);
        } catch (DataFormatException expected) {
            assertPrintable(expected, "fuzz.idx");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void safetensors(byte[] input) {
        try {
            ModelFile.Model m = ModelFile.parse(input, "fuzz.safetensors");
            assertTrue(m.parameters().layers() >= 1);
        } catch (ModelFormatException expected) {
            assertPrintable(expected, "fuzz.safetensors: ");
        }
        try {
            Checkpoint c = Checkpoint.parse(input, "fuzz.safetensors");
            assertTrue(c.epochsDone() >= 0);
        } catch (ModelFormatException expected) {
            assertPrintable(expected, "fuzz.safetensors: ");
        }
    }

    /**
     * A rejection names the file and is one short printable line, whatever the input held (issue
     * 14: names with newlines and ESC sequences, a 5 MB key).
     */
    private static void assertPrintable(Exception e, String prefix) {
        String m = e.getMessage();
        assertTrue(m.startsWith(prefix), m);
        assertTrue(m.length() < 1000, "a message of " + m.length() + " characters");
        assertTrue(m.chars().noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)), m);
    }
}
