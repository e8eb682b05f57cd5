package dev.nabla.benchmarks;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The thread settings of the DL4J peer, named in its benchmark id: {@code dl4j} keeps ND4J's
 * defaults (all cores for OpenMP and OpenBLAS), {@code dl4j-omp1-blas1} runs both on one thread
 * (what {@code OMP_NUM_THREADS=1} does; docs/design.md measured it 12x faster on mnist b128), and
 * {@code dl4j-omp1-blasall} keeps ND4J's element-wise ops on one thread but lets OpenBLAS use every
 * core. {@code omp} and {@code blas} take a count or {@code all}.
 *
 * <p>JMH cannot give a forked JVM its own environment, so {@code OMP_NUM_THREADS} is not an option:
 * the settings are applied in the fork through ND4J's API (NativeOps.setOmpNumThreads, the master
 * thread limit, and Blas.setMaxThreads) and read back, failing the benchmark if they did not take.
 */
final class Dl4jThreads {
    private static final Pattern ID = Pattern.compile("dl4j(?:-omp(\\d+|all))?(?:-blas(\\d+|all))?");

    /** 0 = ND4J's default. */
    private final int omp;
    private final int blas;

    private Dl4jThreads(int omp, int blas) {
        this.omp = omp;
        this.blas = blas;
    }

    static boolean isDl4j(String id) {
        return id.equals("dl4j") || id.startsWith("dl4j-");
    }

    /** Parses {@code dl4j[-omp<N|all>][-blas<N|all>]}. */
    static Dl4jThreads parse(String id) {
        Matcher m = ID.matcher(id.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("bad DL4J peer id '" + id
                    + "': expected dl4j[-omp<N|all>][-blas<N|all>], e.g. dl4j-omp1-blas1");
        }
        return new Dl4jThreads(count(m.group(1)), count(m.group(2)));
    }

    private static int count(String text) {
        if (text == null) {
            return 0;
        }
        if (text.equals("all")) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n = Integer.parseInt(text);
        if (n <= 0) {
            throw new IllegalArgumentException("DL4J thread count must be positive, got " + n);
        }
        return n;
    }

    /** Applies the settings to this JVM's ND4J and checks that they took effect. */
    void apply() {
        Nd4j.getBackend(); // loads ND4J's backend, which NativeOpsHolder needs before first use
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        if (omp > 0) {
            ops.setOmpNumThreads(omp);
            Nd4j.getEnvironment().setMaxMasterThreads(omp);
            if (ops.ompGetMaxThreads() != omp) {
                throw new IllegalStateException("ND4J did not take " + omp + " OpenMP threads: it reports "
                        + ops.ompGetMaxThreads());
            }
        }
        if (blas > 0) {
            Nd4j.factory().blas().setMaxThreads(blas);
            if (Nd4j.factory().blas().getMaxThreads() != blas) {
                throw new IllegalStateException("OpenBLAS did not take " + blas + " threads: it reports "
                        + Nd4j.factory().blas().getMaxThreads());
            }
        }
    }

    /** The settings in force, as read back from ND4J. */
    String describe() {
        NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        return "OpenMP threads " + ops.ompGetMaxThreads() + (omp == 0 ? " (ND4J default)" : "")
                + ", " + Nd4j.factory().blas().getBlasVendor() + " threads " + Nd4j.factory().blas().getMaxThreads()
                + (blas == 0 ? " (ND4J default)" : "");
    }

    /** ND4J and OpenBLAS versions as packaged (for the fork's log and the report). */
    static String versions() {
        return "ND4J " + BenchmarkVersions.get("dl4j.version") + ", OpenBLAS " + BenchmarkVersions.get("openblas.version");
    }
}
