package dev.nabla.backend.nd4j;

import dev.nabla.spi.Availability;
import org.bytedeco.javacpp.IntPointer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * Reads the GPU's compute capability through the CUDA runtime (javacpp's cudart presets, which
 * nd4j-cuda brings) before ND4J loads its kernels, which would crash on a GPU they were not built
 * for. Reflective, so the default build (no CUDA jars) compiles and runs without it.
 */
final class CudaProbe {
    /** cudaDeviceAttr values for the compute capability. */
    private static final int ATTR_MAJOR = 75;
    private static final int ATTR_MINOR = 76;

    private CudaProbe() {
    }

    static Availability check() {
        Class<?> cudart;
        try {
            // Not initialized here: its static initializer loads the native CUDA runtime, which
            // fails (UnsatisfiedLinkError) on a machine without the NVIDIA driver.
            cudart = Class.forName("org.bytedeco.cuda.global.cudart", false, CudaProbe.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.absent("the CUDA runtime presets (org.bytedeco:cuda) are not on the class path");
        }
        try {
            IntPointer value = new IntPointer(1);
            int err = call(cudart, "cudaGetDeviceCount", value);
            if (err != 0) {
                return Availability.unavailable("no usable CUDA device: cudaGetDeviceCount failed with error "
                        + err + " (" + errorString(cudart, err) + ")");
            }
            if (value.get() == 0) {
                return Availability.absent("no CUDA device found");
            }
            int major = attribute(cudart, value, ATTR_MAJOR);
            int minor = attribute(cudart, value, ATTR_MINOR);
            if (!CudaCompatibility.supports(major, minor)) {
                return Availability.unavailable(CudaCompatibility.unsupportedReason(0, major, minor));
            }
            return Availability.available();
        } catch (Throwable t) {
            String why = "the CUDA 11 runtime could not be loaded (no NVIDIA driver, or no CUDA 11.6 libraries): "
                    + Nd4jRuntime.describe(t);
            return NvidiaSmi.computeCapabilities().map(gpus -> withCapability(gpus, why))
                    .orElse(Availability.absent(why)); // no GPU that nvidia-smi can see
        }
    }

    /** The load failure, preceded by the GPU's own verdict when nvidia-smi could read it. */
    static Availability withCapability(List<int[]> gpus, String loadFailure) {
        int[] first = gpus.get(0);
        if (!CudaCompatibility.supports(first[0], first[1])) {
            return Availability.unavailable(CudaCompatibility.unsupportedReason(0, first[0], first[1])
                    + " (read with nvidia-smi; besides, " + loadFailure + ")");
        }
        return Availability.unavailable("GPU 0 (compute capability " + first[0] + "." + first[1]
                + ") is supported, but " + loadFailure);
    }

    private static int attribute(Class<?> cudart, IntPointer value, int attr) throws ReflectiveOperationException {
        Method m = cudart.getMethod("cudaDeviceGetAttribute", IntPointer.class, int.class, int.class);
        int err = (Integer) invoke(m, value, attr, 0);
        if (err != 0) {
            throw new IllegalStateException("cudaDeviceGetAttribute(" + attr + ") failed with error " + err);
        }
        return value.get();
    }

    private static int call(Class<?> cudart, String name, IntPointer out) throws ReflectiveOperationException {
        return (Integer) invoke(cudart.getMethod(name, IntPointer.class), out);
    }

    private static String errorString(Class<?> cudart, int err) {
        try {
            Object s = invoke(cudart.getMethod("cudaGetErrorString", int.class), err);
            return s == null ? "?" : s.toString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "?";
        }
    }

    private static Object invoke(Method m, Object... args) throws ReflectiveOperationException {
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }
}
