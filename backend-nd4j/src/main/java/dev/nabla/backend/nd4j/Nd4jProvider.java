package dev.nabla.backend.nd4j;

import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.BackendProvider;
import dev.nabla.tensor.Backend;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * The {@code nd4j} backend: ND4J on the CPU (nd4j-native, OpenBLAS). Ranked below {@code cpu}: it
 * needs native code and measured slower on this project's shapes, but it is the yardstick and the
 * peer implementation the cross-checks compare against.
 *
 * <p>Options: {@code threads} (or {@code -Dnabla.threads} / {@code NABLA_THREADS}) sets both
 * OpenBLAS's threads and libnd4j's op threads; {@code blas-threads} and {@code op-threads} (or the
 * system properties {@code nabla.nd4j.blas-threads} and {@code nabla.nd4j.op-threads}) set one each,
 * as positive integers. Defaults: every core for OpenBLAS, one op thread. Both settings are
 * process-wide in ND4J, so the backend created last sets them for all {@code nd4j} backends in the
 * JVM. Availability loads ND4J's native code once; a failure becomes the unavailability reason.
 */
public final class Nd4jProvider implements BackendProvider {
    /** Made by {@link java.util.ServiceLoader}, which needs a public no-argument constructor. */
    public Nd4jProvider() {
    }

    /** The backend's id: {@value}. */
    public static final String ID = "nd4j";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public String description() {
        return "ND4J " + "1.0.0-M2.1" + " on the CPU (nd4j-native, OpenBLAS)";
    }

    @Override
    public Availability availability() {
        if (!Nd4jRuntime.onClassPath(Nd4jRuntime.NATIVE_BACKEND_CLASS)) {
            return Availability.absent("this build carries nd4j-cuda instead of nd4j-native (built with "
                    + "-Pcuda): use the nd4j-cuda backend");
        }
        return Nd4jRuntime.load();
    }

    /**
     * Threads: the option / -Dnabla.threads, else all cores for OpenBLAS and one for libnd4j's ops
     * (see the class comment for the per-library options). An option that is not a positive
     * integer is an {@link IllegalArgumentException}.
     */
    @Override
    public Backend create(BackendOptions options) {
        Availability availability = availability();
        if (!availability.isAvailable()) {
            throw new IllegalStateException("backend 'nd4j' is unavailable: " + availability.reason());
        }
        int[] chosen = Nd4jThreads.choose(options);
        int[] inForce = Nd4jThreads.apply(chosen[0], chosen[1]);
        String description = String.format(Locale.ROOT, "nd4j (%s, %s BLAS, %d BLAS thread%s, %d op thread%s; %s)",
                Nd4jRuntime.backendName(), Nd4j.factory().blas().getBlasVendor(), inForce[0], inForce[0] == 1 ? "" : "s",
                inForce[1], inForce[1] == 1 ? "" : "s", OffHeapMemory.limits());
        return new Nd4jBackend(ID, description, new HostBlasAlgebra());
    }
}
