package dev.nabla.backend.nd4j;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which ND4J flavour this build carries (set by the pom: native, or cuda under -Pcuda). */
final class Flavour {
    private Flavour() {
    }

    static boolean isNative() {
        return !"cuda".equals(System.getProperty("nabla.nd4j.flavour", "native"));
    }

    /** Skips a CPU-only test in a -Pcuda build, where nd4j-native is not on the class path. */
    static void assumeNative() {
        assumeTrue(isNative(), "this build carries nd4j-cuda, not nd4j-native");
    }
}
