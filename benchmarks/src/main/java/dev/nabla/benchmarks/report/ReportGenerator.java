package dev.nabla.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns JMH JSON results into {@code RESULTS.md} and PNG charts:
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.nabla.benchmarks.report.ReportGenerator \
 *     benchmarks/results/jmh.json [more.json...] [--out benchmarks] [--command 'the JMH command']
 *     [--draft 'why these numbers are not final'] [--notes notes.md] [--log jmh.log]
 * </pre>
 * writes {@code <out>/RESULTS.md} and {@code <out>/charts/*.png}; with JMH's log, the report also lists
 * what was skipped or failed (JMH leaves those out of the JSON). Exit codes: 0 written, 2 bad
 * arguments or unreadable results (one line on stderr, nothing half-written).
 */
public final class ReportGenerator {
    private ReportGenerator() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        try {
            Path written = run(args);
            System.out.println("wrote " + written);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("report: " + (e instanceof NoSuchFileException ? "no such file: " : "") + e.getMessage());
            System.exit(2);
        }
    }

    /** Generates the report; returns the path of RESULTS.md. */
    static Path run(String[] args) throws IOException {
        List<Path> inputs = new ArrayList<>();
        Path out = Path.of("benchmarks");
        String command = null;
        String draft = null;
        Path notes = null;
        Path log = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--out": out = Path.of(value(args, ++i, a)); break;
                case "--command": command = value(args, ++i, a); break;
                case "--draft": draft = value(args, ++i, a); break;
                case "--notes": notes = Path.of(value(args, ++i, a)); break;
                case "--log": log = Path.of(value(args, ++i, a)); break;
                case "-h":
                case "--help":
                    throw new IllegalArgumentException("usage: ReportGenerator <jmh.json>... [--out DIR] [--command TEXT] "
                            + "[--draft TEXT] [--notes FILE.md] [--log jmh.log]");
                default:
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a
                                + " (expected --out, --command, --draft, --notes, --log)");
                    }
                    inputs.add(Path.of(a));
            }
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no JMH JSON results given: usage: ReportGenerator <jmh.json>... "
                    + "[--out DIR] [--command TEXT] [--draft TEXT] [--notes FILE.md] [--log jmh.log]");
        }
        List<JmhResult> results = JmhResult.read(inputs);
        if (results.isEmpty()) {
            throw new IllegalArgumentException(inputs + " hold no benchmark results (did every benchmark fail?)");
        }
        Report report = new Report(results, Machine.current());
        String notesText = notes == null ? null : Files.readString(notes, StandardCharsets.UTF_8);
        List<String> failures = log == null ? List.of()
                : RunLog.summarise(RunLog.failures(Files.readAllLines(log, StandardCharsets.UTF_8)));

        // Charts first, then RESULTS.md through a temporary file, so a failure leaves no half-written report.
        List<String> charts = Charts.write(report, out.resolve("charts"));
        String generatedAt = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        MarkdownReport.Context context = new MarkdownReport.Context(command, draft, notesText,
                inputs.stream().map(Path::toString).toList(), generatedAt, charts, failures);
        String markdown = new MarkdownReport(report, context).render();
        Path target = out.resolve("RESULTS.md");
        Path temp = Files.createTempFile(out, "RESULTS", ".md.tmp");
        try {
            Files.writeString(temp, markdown, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
