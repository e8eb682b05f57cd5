package dev.nabla.backend.nd4j;

import dev.nabla.tensor.DType;
import org.bytedeco.javacpp.Pointer;

/**
 * Off-heap memory for ND4J's arrays. ND4J 1.0.0-M2.1 on the CPU allocates array memory with its own
 * native allocator: it is outside javacpp's tracked bytes (so {@code org.bytedeco.javacpp.maxbytes}
 * does not bound it) and a failed allocation surfaces as a RuntimeException "Allocation failed:
 * [std::bad_alloc]"; javacpp's own buffers, bounded by {@code maxbytes} (default: the heap's -Xmx)
 * and {@code maxphysicalbytes} (default: twice that), fail with OutOfMemoryError instead. Either
 * becomes an error that says what was being allocated, what is in use, and what to change.
 */
final class OffHeapMemory {
    private OffHeapMemory() {
    }

    /** Whether ND4J's native allocator refused an allocation. */
    static boolean isAllocationFailure(RuntimeException e) {
        String m = e.getMessage();
        return m != null && (m.contains("Allocation failed") || m.contains("bad_alloc"));
    }

    static IllegalStateException exhausted(DType dtype, int rows, int cols, Throwable cause) {
        long bytes = (long) rows * cols * dtype.bytes();
        return new IllegalStateException("nd4j: out of off-heap memory allocating a " + dtype + " [" + rows + ", "
                + cols + "] tensor (" + mib(bytes) + "); the process holds " + mib(Pointer.physicalBytes())
                + " of physical memory (javacpp limits: " + limits() + "). Use a smaller batch or network, "
                + "free memory, or raise -Dorg.bytedeco.javacpp.maxphysicalbytes", cause);
    }

    /** One line describing the limits in force, for backend descriptions and reports. */
    static String limits() {
        return "javacpp maxbytes " + mib(Pointer.maxBytes()) + ", maxphysicalbytes " + mib(Pointer.maxPhysicalBytes());
    }

    private static String mib(long bytes) {
        return bytes <= 0 ? "unlimited" : String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }
}
