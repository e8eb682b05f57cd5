package dev.nabla.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every example as a user would, each in a JVM of its own started in an empty directory, and
 * checks what it prints; and checks that the README's quick start is QuickStart.java, word for word.
 */
class ExamplesTest {
    @TempDir
    Path dir;

    /** Runs {@code main} of an example in a child JVM (this JVM's class path and flags) and returns its output. */
    private String run(Class<?> example, String... args) throws IOException, InterruptedException {
        return runWith(List.of(), example, args);
    }

    private String runWith(List<String> jvmOptions, Class<?> example, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(example.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), example.getSimpleName() + " did not finish");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), example.getSimpleName() + " failed:\n" + out);
        return out;
    }

    @Test
    void quickStartLearnsXorAndReloadsTheModel() throws Exception {
        String out = run(QuickStart.class);
        Matcher m = Pattern.compile("on cpu: xor\\(0,1\\) = ([0-9.]+), xor\\(1,1\\) = ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) > 0.9 && Double.parseDouble(m.group(2)) < 0.1, out);
        Matcher reloaded = Pattern.compile("reloaded on reference: xor\\(1,0\\) = ([0-9.]+)").matcher(out);
        assertTrue(reloaded.find() && Double.parseDouble(reloaded.group(1)) > 0.9, out);
        assertTrue(Files.size(dir.resolve("xor.safetensors")) > 0);
    }

    @Test
    void backendSwapGivesAgreeingGradients() throws Exception {
        String out = run(BackendSwap.class);
        assertTrue(out.contains("gradients agree"), out);
        assertTrue(out.contains("reference trained 5 epochs") && out.contains("cpu       trained 5 epochs"), out);
    }

    @Test
    void trainingOnACsvReachesHighValidationAccuracy() throws Exception {
        String out = run(TrainOnCsv.class);
        Matcher m = Pattern.compile("validation: 120 rows, accuracy ([0-9.]+)%").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) > 90, out);
    }

    @Test
    void resumingEqualsRunningStraight() throws Exception {
        // On cpu, whose results depend neither on the JIT tier nor on the thread split.
        List<String> onCpu = List.of("-Dnabla.backend=cpu");
        String out = runWith(onCpu, ResumeFromCheckpoint.class);
        assertTrue(out.contains("resuming after epoch 3"), out);
        assertTrue(out.contains("resumed weights equal the straight run's, bit for bit"), out);
        // and a second run of the same program replaces the first run's checkpoints
        assertTrue(runWith(onCpu, ResumeFromCheckpoint.class).contains("bit for bit"));
    }

    @Test
    void theReadmeQuickStartIsQuickStartJava() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile("<!-- quick-start -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README.md has a ```java block after <!-- quick-start -->");
        String source = Files.readString(Path.of("src/main/java/dev/nabla/examples/QuickStart.java"))
                .replaceFirst("package dev\\.nabla\\.examples;\\n\\n", "");
        assertEquals(source, block.group(1), "the README's quick start must be QuickStart.java without its package line");
    }
}
