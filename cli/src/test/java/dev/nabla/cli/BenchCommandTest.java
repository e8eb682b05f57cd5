package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {
    @Test
    void printsATableOfSamplesPerSecondAndPointsToTheHarness() {
        CliTest.Run r = CliTest.run("bench", "--backends", "reference", "--layers", "4,8,2", "--batch", "16",
                "--seconds", "0.3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("nabla bench: 4-8-2 b16 float32"), r.out());
        Matcher row = Pattern.compile("(?m)^reference +([0-9,]+) +[0-9.]+ (?:s|ms|us) +1\\.00x ").matcher(r.out());
        assertTrue(row.find(), r.out());
        assertTrue(Double.parseDouble(row.group(1).replace(",", "")) > 0, r.out());
        assertTrue(r.out().contains("java -jar benchmarks/target/benchmarks.jar"), r.out());
    }

    @Test
    void jsonPrintsOneObjectPerBackend() {
        CliTest.Run r = CliTest.run("bench", "--backends", "reference", "--layers", "tiny", "--batch", "1",
                "--dtype", "float64", "--seconds", "0.2", "--json");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(1, lines.size(), r.out());
        Matcher m = Pattern.compile("\\{\"backend\":\"reference\",\"layers\":\\[1,1,1\\],\"batch\":1,"
                + "\"dtype\":\"float64\",\"samples_per_s\":([0-9.]+)}").matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        assertTrue(Double.parseDouble(m.group(1)) > 0, lines.get(0));
    }

    @Test
    void badOptionsAreOneLineAndExitTwo() {
        for (String[] args : List.of(
                new String[] {"bench", "--backends", "nope"},
                new String[] {"bench", "--layers", "4,x,2"},
                new String[] {"bench", "--batch", "0"},
                new String[] {"bench", "--seconds", "-1"},
                new String[] {"bench", "--dtype", "int8"})) {
            CliTest.Run r = CliTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
            assertTrue(r.err().startsWith("nabla: "), r.err());
        }
        assertTrue(CliTest.run("bench", "--backends", "nope").err().contains("unknown backend 'nope'"));
        assertTrue(CliTest.run("bench", "--layers", "4,x,2").err().contains("'4,x,2'"));
    }
}
