package dev.nabla.benchmarks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads JMH's human-readable log for what its JSON leaves out: the runs that were skipped or failed. */
final class RunLog {
    /** One failed run: {@code SgdStepBenchmark.tiny}, {@code (backend = nd4j, ...)}, the error's first line. */
    record Failure(String benchmark, String params, String reason) {
        @Override
        public String toString() {
            return benchmark + (params.isEmpty() ? "" : " " + params) + ": " + reason;
        }
    }

    private RunLog() {
    }

    /** The failed runs, from JMH's "# Benchmark:" and "# Parameters:" headers and the line after "<failure>". */
    static List<Failure> failures(List<String> lines) {
        List<Failure> failures = new ArrayList<>();
        String benchmark = "?";
        String params = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("# Benchmark: ")) {
                String full = line.substring("# Benchmark: ".length()).trim();
                int method = full.lastIndexOf('.');
                int owner = full.lastIndexOf('.', method - 1);
                benchmark = full.substring(owner + 1);
                params = "";
            } else if (line.startsWith("# Parameters: ")) {
                params = line.substring("# Parameters: ".length()).trim();
            } else if (line.contains("<failure>")) {
                String reason = "failed (no message)";
                for (int j = i + 1; j < lines.size(); j++) {
                    if (!lines.get(j).isBlank()) {
                        reason = lines.get(j).trim();
                        break;
                    }
                }
                Failure f = new Failure(benchmark, params, reason);
                if (!failures.contains(f)) {
                    failures.add(f);
                }
            }
        }
        return failures;
    }

    /**
     * One line per distinct reason, so that a backend missing from every benchmark reads as one line:
     * the reason, then the runs (with their parameters when there are few, else counted per method).
     */
    static List<String> summarise(List<Failure> failures) {
        Map<String, List<Failure>> byReason = new LinkedHashMap<>();
        failures.forEach(f -> byReason.computeIfAbsent(f.reason(), r -> new ArrayList<>()).add(f));
        List<String> lines = new ArrayList<>();
        byReason.forEach((reason, group) -> {
            String runs;
            if (group.size() <= 3) {
                runs = group.stream().map(f -> f.benchmark() + (f.params().isEmpty() ? "" : " " + f.params()))
                        .collect(Collectors.joining("; "));
            } else {
                Map<String, Long> perMethod = group.stream().collect(Collectors.groupingBy(Failure::benchmark,
                        LinkedHashMap::new, Collectors.counting()));
                runs = group.size() + " runs: " + perMethod.entrySet().stream()
                        .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
            }
            lines.add("`" + reason.replace("`", "'") + "` (" + runs + ")");
        });
        return lines;
    }
}
