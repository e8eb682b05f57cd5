package dev.nabla.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --spark options as the CLI checks them, without Spark on the class path (module spark tests the runs). */
class SparkOptionsTest {
    @Test
    void companionOptionsNeedSpark() {
        CliTest.Run r = CliTest.run("train", "--spark-mode", "average", "--epochs", "1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--spark-mode needs --spark MASTER"), r.err());
    }

    @Test
    void badModeAndStepsAreUsageErrors() {
        CliTest.Run mode = CliTest.run("train", "--spark", "local[2]", "--spark-mode", "async");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--spark-mode must be sync or average"), mode.err());
        CliTest.Run steps = CliTest.run("train", "--spark", "local[2]", "--spark-mode", "average",
                "--spark-average-steps", "0");
        assertEquals(2, steps.code());
        assertTrue(steps.err().contains("--spark-average-steps must be at least 1"), steps.err());
    }

    @Test
    void withoutTheSparkModuleTheMessageSaysHowToGetIt() {
        CliTest.Run r = CliTest.run("train", "--spark", "local[2]", "--backend", "reference", "--epochs", "1",
                "--samples", "50");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--spark needs Nabla's spark module and Spark on the class path"), r.err());
    }
}
