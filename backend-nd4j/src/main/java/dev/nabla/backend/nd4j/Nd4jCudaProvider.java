package dev.nabla.backend.nd4j;

import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.BackendProvider;
import dev.nabla.tensor.Backend;

/**
 * The {@code nd4j-cuda} backend: ND4J on an NVIDIA GPU (nd4j-cuda-11.6). Only a build made with
 * {@code mvn -Pcuda} carries it; ND4J loads one backend per JVM, so it never shares a JVM with
 * {@code nd4j}. Before ND4J loads anything the GPU's compute capability is checked, so an
 * unsupported GPU (Ada, Hopper) or no GPU is reported, not crashed on.
 */
public final class Nd4jCudaProvider implements BackendProvider {
    /** Made by {@link java.util.ServiceLoader}, which needs a public no-argument constructor. */
    public Nd4jCudaProvider() {
    }

    /** The backend's id: {@value}. */
    public static final String ID = "nd4j-cuda";

    private Availability availability;

    @Override
    public String id() {
        return ID;
    }

    /** Above `nd4j` (a GPU beats OpenBLAS on large problems), below `cpu` (it must be asked for). */
    @Override
    public int priority() {
        return 60;
    }

    @Override
    public String description() {
        return "ND4J 1.0.0-M2.1 on an NVIDIA GPU (nd4j-cuda-11.6; only in builds made with -Pcuda)";
    }

    @Override
    public synchronized Availability availability() {
        if (availability == null) {
            if (!Nd4jRuntime.onClassPath(Nd4jRuntime.CUDA_BACKEND_CLASS)) {
                availability = Availability.absent("not in this build: nd4j-cuda-11.6 (~600 MB) is only "
                        + "included by building with `mvn -Pcuda`, and runs in a JVM of its own (ND4J loads one "
                        + "backend per JVM)");
            } else {
                Availability gpu = CudaProbe.check();
                availability = gpu.isAvailable() ? Nd4jRuntime.load() : gpu;
            }
        }
        return availability;
    }

    /** A new backend on the GPU ND4J chose; the options, the thread count included, are ignored. */
    @Override
    public Backend create(BackendOptions options) {
        Availability a = availability();
        if (!a.isAvailable()) {
            throw new IllegalStateException("backend 'nd4j-cuda' is unavailable: " + a.reason());
        }
        String description = "nd4j-cuda (" + Nd4jRuntime.backendName() + ", " + OffHeapMemory.limits() + ")";
        return new Nd4jBackend(ID, description, new Nd4jOpsAlgebra());
    }
}
