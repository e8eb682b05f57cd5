package dev.nabla.benchmarks.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One entry of JMH's JSON results ({@code -rf json}): a benchmark method with one set of parameters. */
public final class JmhResult {
    private final String benchmark;
    private final String mode;
    private final int threads;
    private final int forks;
    private final Map<String, String> params;
    private final double score;
    private final double scoreError;
    private final String scoreUnit;
    private final JsonObject raw;

    private JmhResult(JsonObject o) {
        raw = o;
        benchmark = string(o, "benchmark");
        mode = string(o, "mode");
        threads = o.has("threads") ? o.get("threads").getAsInt() : 1;
        forks = o.has("forks") ? o.get("forks").getAsInt() : 0;
        Map<String, String> p = new LinkedHashMap<>();
        if (o.has("params") && o.get("params").isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("params").entrySet()) {
                p.put(e.getKey(), e.getValue().getAsString());
            }
        }
        params = Collections.unmodifiableMap(p);
        JsonObject primary = o.getAsJsonObject("primaryMetric");
        if (primary == null) {
            throw new JsonParseException("entry for " + benchmark + " has no primaryMetric");
        }
        score = primary.get("score").getAsDouble();
        JsonElement error = primary.get("scoreError");
        // JMH writes "NaN" as a string when there were too few iterations for an error.
        scoreError = error == null || !error.isJsonPrimitive() || !error.getAsJsonPrimitive().isNumber()
                ? Double.NaN : error.getAsDouble();
        scoreUnit = string(primary, "scoreUnit");
    }

    /** Reads every entry of one or more JMH JSON result files, in order. */
    public static List<JmhResult> read(List<Path> files) throws IOException {
        List<JmhResult> results = new ArrayList<>();
        for (Path file : files) {
            JsonElement root;
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                root = JsonParser.parseReader(in);
            } catch (JsonParseException e) {
                throw new IOException(file + ": not JMH JSON results (" + e.getMessage() + ")", e);
            }
            if (!root.isJsonArray()) {
                throw new IOException(file + ": not JMH JSON results (expected a JSON array of benchmark entries)");
            }
            JsonArray entries = root.getAsJsonArray();
            for (JsonElement e : entries) {
                try {
                    results.add(new JmhResult(e.getAsJsonObject()));
                } catch (RuntimeException bad) {
                    throw new IOException(file + ": a malformed JMH entry: " + bad.getMessage(), bad);
                }
            }
        }
        return results;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new JsonParseException("missing \"" + key + "\"");
        }
        return e.getAsString();
    }

    /** Fully qualified method, e.g. {@code dev.nabla.benchmarks.SgdStepBenchmark.mnist}. */
    public String benchmark() {
        return benchmark;
    }

    /** The class's simple name, e.g. {@code SgdStepBenchmark}. */
    public String benchmarkClass() {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : benchmark;
    }

    /** The method name, e.g. {@code mnist}. */
    public String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    public String mode() {
        return mode;
    }

    public int threads() {
        return threads;
    }

    public int forks() {
        return forks;
    }

    public Map<String, String> params() {
        return params;
    }

    public String param(String name) {
        return params.get(name);
    }

    public double score() {
        return score;
    }

    /** JMH's 99.9% confidence half-width, NaN when it could not compute one. */
    public double scoreError() {
        return scoreError;
    }

    public String scoreUnit() {
        return scoreUnit;
    }

    /** A top-level string field such as {@code jdkVersion}, or "" when absent. */
    public String field(String key) {
        JsonElement e = raw.get(key);
        return e == null || e.isJsonNull() ? "" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    /** The forked JVM's arguments. */
    public List<String> jvmArgs() {
        List<String> args = new ArrayList<>();
        JsonElement e = raw.get("jvmArgs");
        if (e != null && e.isJsonArray()) {
            e.getAsJsonArray().forEach(a -> args.add(a.getAsString()));
        }
        return args;
    }
}
