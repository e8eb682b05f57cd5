package dev.nabla.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The dependency versions this jar was built with (versions.properties, filled in by Maven). */
public final class BenchmarkVersions {
    private static final Properties VERSIONS = load();

    private BenchmarkVersions() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BenchmarkVersions.class.getResourceAsStream("/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The version of {@code key} (e.g. {@code dl4j.version}), or "unknown". */
    public static String get(String key) {
        return VERSIONS.getProperty(key, "unknown");
    }
}
