package dev.nabla.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The machine the report is generated on (the run script generates it right after the run). */
final class Machine {
    final String cpu;
    final int cores;
    final String os;

    private Machine(String cpu, int cores, String os) {
        this.cpu = cpu;
        this.cores = cores;
        this.os = os;
    }

    /** A machine as given (tests). */
    static Machine of(String cpu, int cores, String os) {
        return new Machine(cpu, cores, os);
    }

    static Machine current() {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    }

    /** "model name" and family/model/flags of interest from /proc/cpuinfo, or the JVM's arch elsewhere. */
    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return System.getProperty("os.arch");
        }
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            String name = field(lines, "model name");
            String family = field(lines, "cpu family");
            String model = field(lines, "model");
            String flags = " " + field(lines, "flags") + " ";
            String simd = flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2" : "no AVX2";
            return String.format(Locale.ROOT, "%s (family %s model %s, %s)", name, family, model, simd);
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static String field(List<String> lines, String key) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "?";
    }
}
