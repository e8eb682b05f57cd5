package dev.nabla.backend.nd4j;

/**
 * Which GPUs nd4j-cuda-11.6 1.0.0-M2.1 can run on. Its libnd4jcuda.so carries machine code (SASS)
 * for these compute capabilities and no PTX, so the driver cannot compile kernels for a new
 * architecture. By NVIDIA's binary compatibility rule, SASS built for X.y runs on X.z for z >= y
 * (same major version): the sm_86 code runs on Ada (8.9), nothing runs on Hopper (9.0) or later.
 */
final class CudaCompatibility {
    static final int[][] SASS_TARGETS = {{3, 7}, {5, 0}, {5, 2}, {6, 0}, {6, 1}, {7, 0}, {7, 5}, {8, 0}, {8, 6}};

    private CudaCompatibility() {
    }

    static boolean supports(int major, int minor) {
        for (int[] t : SASS_TARGETS) {
            if (t[0] == major && t[1] <= minor) {
                return true;
            }
        }
        return false;
    }

    /** Why a GPU of this compute capability cannot run nd4j-cuda-11.6. */
    static String unsupportedReason(int device, int major, int minor) {
        StringBuilder targets = new StringBuilder();
        for (int[] t : SASS_TARGETS) {
            targets.append(targets.length() == 0 ? "" : ", ").append("sm_").append(t[0]).append(t[1]);
        }
        return "GPU " + device + " has compute capability " + major + "." + minor + ", but nd4j-cuda-11.6 "
                + "1.0.0-M2.1 carries kernels only for " + targets + " (each runs on later minor versions of its major "
                + "version) and no PTX, so it cannot run on it";
    }
}
