package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.KernelCatalog;
import dev.nabla.backend.cuda.KernelCatalog.Param;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A kernel's arguments in cuLaunchKernel's form, built in place in memory allocated once: value
 * slot i (8 bytes) holds argument i, and the kernelParams array's entry i points at slot i. The
 * driver copies the values at launch, so one instance serves every launch of a backend (which is
 * used from one thread at a time). {@link #check} compares the arguments' types with the kernel's
 * declaration in {@link KernelCatalog} before each launch.
 */
final class KernelArgs {
    static final int MAX = 24;

    private final MemorySegment values;
    private final MemorySegment pointers;
    private final Param[] types = new Param[MAX];
    private int count;

    KernelArgs(Arena arena) {
        values = arena.allocate(8L * MAX, 16);
        pointers = arena.allocate(ADDRESS, MAX);
        for (int i = 0; i < MAX; i++) {
            pointers.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
        }
    }

    KernelArgs reset() {
        count = 0;
        return this;
    }

    private long slot(Param type) {
        if (count == MAX) {
            throw new IllegalStateException("more than " + MAX + " kernel arguments");
        }
        types[count] = type;
        return 8L * count++;
    }

    /** A device pointer (0 for a null pointer). */
    KernelArgs ptr(long pointer) {
        values.set(JAVA_LONG, slot(Param.PTR), pointer);
        return this;
    }

    KernelArgs i32(int v) {
        long at = slot(Param.I32);
        values.set(JAVA_LONG, at, 0L);
        values.set(JAVA_INT, at, v);
        return this;
    }

    KernelArgs i64(long v) {
        values.set(JAVA_LONG, slot(Param.I64), v);
        return this;
    }

    KernelArgs f64(double v) {
        values.set(JAVA_DOUBLE, slot(Param.F64), v);
        return this;
    }

    int count() {
        return count;
    }

    Param type(int i) {
        return types[i];
    }

    /** Throws unless the arguments match the kernel's parameters in number and types. */
    void check(String kernel) {
        List<Param> expected = KernelCatalog.params(kernel);
        boolean ok = expected.size() == count;
        for (int i = 0; ok && i < count; i++) {
            ok = expected.get(i) == types[i];
        }
        if (!ok) {
            StringBuilder got = new StringBuilder();
            for (int i = 0; i < count; i++) {
                got.append(i == 0 ? "" : ", ").append(types[i].cName());
            }
            throw new IllegalStateException("cuda: bad launch of " + KernelCatalog.declaration(kernel) + " with (" + got + ")");
        }
    }

    /** cuLaunchKernel's kernelParams. */
    MemorySegment kernelParams() {
        return pointers;
    }
}
