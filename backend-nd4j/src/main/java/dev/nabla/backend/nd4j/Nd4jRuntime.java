package dev.nabla.backend.nd4j;

import dev.nabla.spi.Availability;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's process-wide state: which flavour (nd4j-native or nd4j-cuda) is on the class path, whether
 * it loaded, and its thread settings. ND4J loads exactly one backend per JVM, so this is a
 * singleton; CPU and CUDA run side by side only in separate JVMs (e.g. separate JMH forks).
 */
final class Nd4jRuntime {
    /** The ND4J backend classes of the two flavours; neither is referenced directly. */
    static final String NATIVE_BACKEND_CLASS = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";

    private static Availability loaded;

    private Nd4jRuntime() {
    }

    /** Whether the given ND4J backend class is on the class path (without initializing it). */
    static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, Nd4jRuntime.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Loads ND4J (once) and reports whether it works, with the reason when it does not. Loading
     * native code can fail in many ways (missing libraries, an old glibc, an unsupported CPU): all
     * of them become an unavailability reason instead of an error at first use.
     */
    static synchronized Availability load() {
        if (loaded == null) {
            try {
                Nd4j.getBackend();
                Nd4j.create(1);
                loaded = Availability.available();
            } catch (Throwable t) {
                loaded = Availability.unavailable("ND4J failed to load: " + describe(t));
            }
        }
        return loaded;
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** The name of the ND4J backend that loaded, e.g. {@code CpuBackend}. */
    static String backendName() {
        return Nd4j.getBackend().getClass().getSimpleName();
    }
}
