package dev.nabla.examples;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example runs as documented (synthetic data, local[2]) and learns; the README shows its code as it is. */
class SparkEstimatorExampleTest {
    @TempDir
    Path dir;

    @Test
    void trainsScoresSavesAndLoads() throws Exception {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("example-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            double accuracy = SparkEstimatorExample.run(spark, null, dir.resolve("model").toString(), 8);
            assertTrue(accuracy > 0.85, "accuracy " + accuracy);
        } finally {
            spark.stop();
        }
    }

    @Test
    void theReadmeSparkExampleIsTheExamplesCode() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher block = Pattern.compile("<!-- spark-estimator -->\\s*```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README.md has a ```java block after <!-- spark-estimator -->");
        String source = Files.readString(Path.of("src/main/java/dev/nabla/examples/SparkEstimatorExample.java"));
        Matcher part = Pattern.compile("// README: begin[^\\n]*\\n(.*?\\n)\\s*// README: end", Pattern.DOTALL)
                .matcher(source);
        assertTrue(part.find(), "SparkEstimatorExample.java marks its README part");
        String code = part.group(1).lines().map(l -> l.startsWith("        ") ? l.substring(8) : l)
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(code, block.group(1), "the README's Spark example must be SparkEstimatorExample's marked part");
    }
}
