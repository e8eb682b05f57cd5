package dev.nabla.backend.nd4j;

import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;

/** Asks the nd4j backend for more memory than the process may have; prints the error it gives. */
public final class OffHeapExhaustionProbe {
    private OffHeapExhaustionProbe() {
    }

    public static void main(String[] args) {
        try (Backend backend = Backends.create(Nd4jProvider.ID)) {
            backend.zeros(DType.FLOAT32, 40_000, 40_000);
            System.out.println("ALLOCATED");
            System.exit(1);
        } catch (IllegalStateException e) {
            System.out.println("ERROR: " + e.getMessage());
            System.exit(3);
        }
    }
}
