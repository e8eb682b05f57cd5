package dev.nabla.backend.cuda;

import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.BackendProvider;
import dev.nabla.tensor.Backend;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code cuda} backend: Nabla's own CUDA kernels on an NVIDIA GPU of compute capability 7.5 or
 * newer, called through the CUDA driver API (libcuda.so.1, which comes with the driver) by Java's
 * FFM API: no JNI, no native jar, no CUDA runtime needed. cuBLAS is optional ({@code gemm=cublas}).
 *
 * <p>This class is Java 17 like the rest of the project, so that {@code nabla backends} on a Java 17
 * JVM can say why {@code cuda} cannot run there; the backend itself lives in the Java 22 half of
 * the module and is loaded by name only on a Java 22+ JVM. Availability is probed once (loading
 * libcuda, the device's compute capability, the driver's CUDA version, loading the kernels) and
 * the answer is kept.
 */
public final class CudaProvider implements BackendProvider {
    /** Made by {@link java.util.ServiceLoader}, which needs a public no-argument constructor. */
    public CudaProvider() {
    }

    /** The backend's id: {@value}. */
    public static final String ID = "cuda";
    /** The first Java release whose java.lang.foreign is final. */
    public static final int MIN_JAVA = 22;
    static final String RUNTIME_CLASS = "dev.nabla.backend.cuda.ffm.CudaRuntime";

    private Availability availability;
    private CudaBridge bridge;

    @Override
    public String id() {
        return ID;
    }

    /** Above {@code cpu} (100): where a usable GPU is present, it is the default. */
    @Override
    public int priority() {
        return 150;
    }

    @Override
    public String description() {
        return "Nabla's own CUDA kernels on an NVIDIA GPU (compute capability 7.5+) via the driver API and FFM; "
                + "gemm=own|cublas";
    }

    @Override
    public synchronized Availability availability() {
        if (availability == null) {
            availability = probe();
        }
        return availability;
    }

    private Availability probe() {
        String jvm = jvmReason(Runtime.version().feature(), System.getProperty("java.home"));
        if (jvm != null) {
            return onlyIfDriverPresent(jvm);
        }
        try {
            bridge = loadBridge();
        } catch (ReflectiveOperationException | LinkageError e) {
            return onlyIfDriverPresent("this build of backend-cuda has no Java 22 half (" + e + "): it was built "
                    + "without a JDK 22+, so Maven skipped it; install one and rebuild");
        }
        try {
            return bridge.probe(CudaOptions.defaults());
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probing the GPU failed: " + e);
        }
    }

    /**
     * A reason that only matters on a machine with an NVIDIA GPU: worth a warning there (the default
     * backend fell back past a usable GPU), merely absent elsewhere. The kernel module's version file
     * tells without loading anything.
     */
    private static Availability onlyIfDriverPresent(String reason) {
        return Files.exists(Path.of("/proc/driver/nvidia/version")) ? Availability.unavailable(reason)
                : Availability.absent(reason);
    }

    /** Why a JVM of this feature version cannot run the backend, or null when it can. */
    static String jvmReason(int feature, String javaHome) {
        if (feature >= MIN_JAVA) {
            return null;
        }
        return "needs Java " + MIN_JAVA + "+ (its FFM API calls the CUDA driver), but this JVM is Java " + feature
                + " (" + javaHome + "): run it on a JDK " + MIN_JAVA + "+ (./nabla picks the newest JDK it finds)";
    }

    private static CudaBridge loadBridge() throws ReflectiveOperationException {
        Class<?> c = Class.forName(RUNTIME_CLASS, true, CudaProvider.class.getClassLoader());
        return (CudaBridge) c.getDeclaredConstructor().newInstance();
    }

    /**
     * A new backend on the GPU named by the options ({@code device}, {@code gemm}, {@code tf32}; see
     * {@link CudaOptions}). Fails with the unavailability reason if it cannot run. Availability is
     * probed on the default device only; where that is unusable but another {@code device} is
     * asked for, creating is tried anyway and fails with that device's own error.
     *
     * @throws IllegalArgumentException if an option is unknown or malformed
     * @throws IllegalStateException if the backend cannot run here
     */
    @Override
    public Backend create(BackendOptions options) {
        CudaOptions parsed = CudaOptions.parse(options);
        Availability a = availability();
        if (!a.isAvailable() && bridge == null) {
            throw new IllegalStateException("backend 'cuda' is unavailable: " + a.reason());
        }
        if (!a.isAvailable() && parsed.device() == CudaOptions.defaults().device()) {
            throw new IllegalStateException("backend 'cuda' is unavailable: " + a.reason());
        }
        return bridge.create(parsed);
    }
}
