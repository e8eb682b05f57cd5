package dev.nabla.benchmarks.report;

import java.util.ArrayList;
import java.util.List;

/** Reads JMH's human-readable log for what its JSON leaves out: the runs that were skipped or failed. */
final class RunLog {
    private RunLog() {
    }

    /**
     * One line per failed run: {@code SgdStepBenchmark.tiny (backend = nd4j, ...): <first line of the
     * error>}, using JMH's "# Benchmark:" and "# Parameters:" headers and the line after "<failure>".
     */
    static List<String> failures(List<String> lines) {
        List<String> failures = new ArrayList<>();
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
                params = " " + line.substring("# Parameters: ".length()).trim();
            } else if (line.contains("<failure>")) {
                String reason = "failed (no message)";
                for (int j = i + 1; j < lines.size(); j++) {
                    if (!lines.get(j).isBlank()) {
                        reason = lines.get(j).trim();
                        break;
                    }
                }
                String entry = benchmark + params + ": " + reason;
                if (!failures.contains(entry)) {
                    failures.add(entry);
                }
            }
        }
        return failures;
    }
}
