package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.Geometry;
import dev.nabla.backend.cuda.KernelCatalog;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A {@link Gpu} whose kernels are the host emulator's: nabla_kernels.cu compiled by g++ (see
 * src/main/cuda/host), loaded through the FFM API. Launches take the backend's real kernelParams
 * arrays and geometry, so everything but the driver itself is what runs on a GPU. Memory is host
 * memory with red zones; streams and copies are synchronous. One emulator per JVM: creating an
 * instance resets it.
 */
final class EmulatedGpu implements Gpu {
    private static final Object LOCK = new Object();
    /** The emulated device's memory unless a test sets less (host memory is only used as allocated). */
    static final long DEFAULT_CAPACITY = 8L << 30;
    private static MethodHandle init;
    private static MethodHandle setCapacity;
    private static MethodHandle alloc;
    private static MethodHandle free;
    private static MethodHandle memInfo;
    private static MethodHandle launch;
    private static MethodHandle kernelCount;
    private static MethodHandle kernelName;
    private static MethodHandle kernelParamCount;
    private static MethodHandle reverseOrder;
    private static MethodHandle liveAllocations;

    private final int sms;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment error;
    private final Map<String, MemorySegment> names = new HashMap<>();
    private final Map<String, Long> handles = new HashMap<>();
    private final List<String> kernels = new ArrayList<>();
    private final Map<Long, Arena> hostBuffers = new HashMap<>();
    private final Map<Long, Long> events = new HashMap<>();
    private long nextEvent = 1;
    private int launches;

    /**
     * An emulated GPU with this many SMs (what the GEMM planner sees). All instances share the one
     * emulator of the JVM: its memory, its allocations.
     */
    EmulatedGpu(int sms) {
        this.sms = sms;
        synchronized (LOCK) {
            if (init == null) {
                bind(NativeBuild.emulator());
                invoke(init, DEFAULT_CAPACITY);
            }
            int count = (int) invoke(kernelCount);
            for (int i = 0; i < count; i++) {
                MemorySegment p = (MemorySegment) invoke(kernelName, i);
                String name = p.reinterpret(256).getString(0);
                kernels.add(name);
                names.put(name, arena.allocateFrom(name));
                handles.put(name, (long) i);
            }
        }
        this.error = arena.allocate(512);
    }

    private static void bind(java.nio.file.Path library) {
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        Linker linker = Linker.nativeLinker();
        init = linker.downcallHandle(lib.find("emu_init").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_LONG));
        setCapacity = linker.downcallHandle(lib.find("emu_set_capacity").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_LONG));
        alloc = linker.downcallHandle(lib.find("emu_alloc").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
        free = linker.downcallHandle(lib.find("emu_free").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        memInfo = linker.downcallHandle(lib.find("emu_mem_info").orElseThrow(), FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        launch = linker.downcallHandle(lib.find("emu_launch").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        kernelCount = linker.downcallHandle(lib.find("emu_kernel_count").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
        kernelName = linker.downcallHandle(lib.find("emu_kernel_name").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        kernelParamCount = linker.downcallHandle(lib.find("emu_kernel_param_count").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        reverseOrder = linker.downcallHandle(lib.find("emu_set_reverse_order").orElseThrow(),
                FunctionDescriptor.ofVoid(JAVA_INT));
        liveAllocations = linker.downcallHandle(lib.find("emu_live_allocations").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT));
    }

    private static Object invoke(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The kernels the emulator has, in registration order. */
    List<String> kernels() {
        return kernels;
    }

    int paramCount(String kernel) {
        synchronized (LOCK) {
            return (int) invoke(kernelParamCount, handles.get(kernel).intValue());
        }
    }

    /** Runs the threads of each block in reverse order from now on (results must not change). */
    void reverseThreadOrder(boolean reverse) {
        synchronized (LOCK) {
            invoke(reverseOrder, reverse ? 1 : 0);
        }
    }

    /** Sets the emulated device's memory (allocations beyond it fail as on a full GPU). */
    static void capacity(long bytes) {
        synchronized (LOCK) {
            invoke(setCapacity, bytes);
        }
    }

    /** Device allocations not yet freed. */
    int liveAllocations() {
        synchronized (LOCK) {
            return (int) invoke(liveAllocations);
        }
    }

    int launches() {
        return launches;
    }

    @Override
    public String name() {
        return "host emulator";
    }

    @Override
    public int ordinal() {
        return 0;
    }

    @Override
    public String describe() {
        return "host emulator of the kernels, " + sms + " SMs";
    }

    @Override
    public int multiprocessors() {
        return sms;
    }

    @Override
    public void bind() {
    }

    @Override
    public long allocate(long bytes) {
        synchronized (LOCK) {
            return (long) invoke(alloc, bytes);
        }
    }

    @Override
    public void free(long pointer) {
        synchronized (LOCK) {
            int r = (int) invoke(free, pointer);
            if (r != 0) {
                throw new IllegalStateException("emulator: free of 0x" + Long.toHexString(pointer)
                        + ", which is not a live allocation (a double free?)");
            }
        }
    }

    @Override
    public long[] memoryInfo() {
        synchronized (LOCK) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment f = a.allocate(JAVA_LONG);
                MemorySegment t = a.allocate(JAVA_LONG);
                invoke(memInfo, f, t);
                return new long[] {f.get(JAVA_LONG, 0), t.get(JAVA_LONG, 0)};
            }
        }
    }

    @Override
    public long createStream() {
        return 1;
    }

    @Override
    public void destroyStream(long stream) {
    }

    private static MemorySegment device(long pointer, long bytes) {
        return MemorySegment.ofAddress(pointer).reinterpret(bytes);
    }

    @Override
    public void memsetZero(long pointer, long bytes, long stream) {
        synchronized (LOCK) {
            device(pointer, bytes).fill((byte) 0);
        }
    }

    @Override
    public void copyToDevice(long dst, MemorySegment src, long bytes, long stream) {
        synchronized (LOCK) {
            MemorySegment.copy(src, 0, device(dst, bytes), 0, bytes);
        }
    }

    @Override
    public void copyToHost(MemorySegment dst, long src, long bytes, long stream) {
        synchronized (LOCK) {
            MemorySegment.copy(device(src, bytes), 0, dst, 0, bytes);
        }
    }

    @Override
    public void synchronize(long stream) {
    }

    @Override
    public MemorySegment allocateHost(long bytes) {
        synchronized (LOCK) {
            Arena a = Arena.ofShared();
            MemorySegment s = a.allocate(bytes, 256);
            hostBuffers.put(s.address(), a);
            return s;
        }
    }

    @Override
    public void freeHost(MemorySegment host) {
        synchronized (LOCK) {
            Arena a = hostBuffers.remove(host.address());
            if (a == null) {
                throw new IllegalStateException("emulator: freeHost of memory it did not allocate");
            }
            a.close();
        }
    }

    @Override
    public long function(String kernel) {
        Long h = handles.get(kernel);
        if (h == null) {
            throw new IllegalArgumentException("emulator: no kernel named " + kernel);
        }
        return h;
    }

    @Override
    public void launch(long function, String kernel, Geometry g, long stream, MemorySegment params) {
        if (!kernels.get((int) function).equals(kernel)) {
            throw new IllegalStateException("emulator: handle " + function + " is not " + kernel);
        }
        if (KernelCatalog.params(kernel).size() != paramCount(kernel)) {
            throw new IllegalStateException("emulator: " + kernel + " takes " + paramCount(kernel) + " parameters");
        }
        synchronized (LOCK) {
            launches++;
            int r = (int) invoke(launch, names.get(kernel), g.gridX(), g.gridY(), g.gridZ(), g.blockX(), g.blockY(),
                    g.blockZ(), params, error, (int) error.byteSize());
            if (r != 0) {
                throw new IllegalStateException("emulator: " + error.getString(0));
            }
        }
    }

    @Override
    public long createEvent() {
        synchronized (LOCK) {
            return nextEvent++;
        }
    }

    @Override
    public void recordEvent(long event, long stream) {
        synchronized (LOCK) {
            events.put(event, System.nanoTime());
        }
    }

    @Override
    public float elapsedMillis(long start, long end) {
        synchronized (LOCK) {
            return (events.get(end) - events.get(start)) / 1e6f;
        }
    }

    @Override
    public void destroyEvent(long event) {
        synchronized (LOCK) {
            events.remove(event);
        }
    }
}
