package dev.nabla.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same training on {@code cpu} writes the same model file, byte for byte: in two fresh JVMs,
 * twice in one JVM (the first run cold, under the interpreter and C1, the second warm, under C2),
 * and with 1, 2 and 3 threads; in both dtypes and both losses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeterminismTest {
    @TempDir
    static Path dir;

    private Path digits;

    @BeforeAll
    void writeData() {
        digits = dir.resolve("digits");
        StringWriter out = new StringWriter();
        int code = Nabla.execute(new String[] {"generate-digits", "--out", digits.toString(), "--train", "1500",
                "--test", "10"}, new PrintWriter(out), new PrintWriter(out));
        assertEquals(0, code, out.toString());
    }

    private List<String> trainArgs(String dtype, String loss, int threads, Path model) {
        return List.of("train", "--backend", "cpu", "--threads", Integer.toString(threads), "--data", "idx:" + digits,
                "--layers", "784,48,10", "--loss", loss, "--dtype", dtype, "--lr", "0.5", "--batch", "32",
                "--epochs", "2", "--seed", "7", "--model-out", model.toString());
    }

    /** Runs one or more trainings in a fresh JVM (Twice runs several in the same JVM). */
    private void runInFreshJvm(List<List<String>> trainings) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-Xmx1g", "-cp",
                classPath, InOneJvm.class.getName()));
        for (List<String> t : trainings) {
            command.add(String.join("\u0001", t));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out");
        assertEquals(0, p.exitValue(), out);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"float32, mse", "float32, bce", "float64, mse", "float64, bce"})
    @Timeout(600)
    void sameBitsEveryRunEveryTierEveryThreadCount(String dtype, String loss) throws Exception {
        Path a = dir.resolve(dtype + loss + "-fresh-a.safetensors");
        Path b = dir.resolve(dtype + loss + "-fresh-b.safetensors");
        Path cold = dir.resolve(dtype + loss + "-cold.safetensors");
        Path warm = dir.resolve(dtype + loss + "-warm.safetensors");
        Path one = dir.resolve(dtype + loss + "-1.safetensors");
        Path three = dir.resolve(dtype + loss + "-3.safetensors");
        runInFreshJvm(List.of(trainArgs(dtype, loss, 2, a)));
        runInFreshJvm(List.of(trainArgs(dtype, loss, 2, b)));
        runInFreshJvm(List.of(trainArgs(dtype, loss, 2, cold), trainArgs(dtype, loss, 2, warm)));
        runInFreshJvm(List.of(trainArgs(dtype, loss, 1, one)));
        runInFreshJvm(List.of(trainArgs(dtype, loss, 3, three)));
        byte[] expected = Files.readAllBytes(a);
        for (Path other : new Path[] {b, cold, warm, one, three}) {
            assertArrayEquals(expected, Files.readAllBytes(other), other.getFileName() + " differs from "
                    + a.getFileName());
        }
    }

    /** Runs each argument (a training's arguments joined by U+0001) through the command line in this JVM. */
    public static final class InOneJvm {
        public static void main(String[] args) {
            for (String joined : args) {
                int code = Nabla.execute(joined.split("\u0001"), new PrintWriter(System.out, true),
                        new PrintWriter(System.err, true));
                if (code != 0) {
                    System.err.println("exit " + code + " for " + Arrays.toString(joined.split("\u0001")));
                    System.exit(code);
                }
            }
        }
    }
}
