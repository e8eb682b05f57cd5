package dev.nabla.backend.cuda.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver API (libcuda.so.1, installed with the NVIDIA driver, ABI-stable) through the FFM
 * API. Only the functions listed in {@link #FUNCTIONS} are bound, each by its exported, versioned
 * name ({@code cuMemAlloc_v2} rather than the {@code cuMemAlloc} macro), so the ABI called is the
 * one written here whatever cuda.h a user has; {@code DriverBindingTest} checks every descriptor
 * against the prototypes of cuda.h after the C preprocessor.
 *
 * <p>Types: CUresult, enums, int, unsigned int and CUdevice (an int) are JAVA_INT; size_t,
 * unsigned long long and CUdeviceptr are JAVA_LONG; handles (CUcontext, CUstream...) and pointers
 * are ADDRESS. Loading fails cleanly (an exception, never a crash) where libcuda.so.1 is absent:
 * nothing is called before the library and every symbol have been found.
 */
final class Driver {
    static final String LIBRARY = "libcuda.so.1";

    /** Every bound function: exported symbol -> C signature. */
    static final Map<String, FunctionDescriptor> FUNCTIONS;

    static {
        Map<String, FunctionDescriptor> f = new LinkedHashMap<>();
        f.put("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        f.put("cuDriverGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        f.put("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        f.put("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        f.put("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        f.put("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        f.put("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        f.put("cuMemGetInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        f.put("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        f.put("cuMemAllocHost_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        f.put("cuMemFreeHost", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        f.put("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        f.put("cuMemsetD8Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS));
        f.put("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        f.put("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        f.put("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuStreamDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cuEventSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuEventElapsedTime_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        f.put("cuEventDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuStreamBeginCapture_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cuStreamEndCapture", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cuGraphInstantiateWithFlags", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        f.put("cuGraphLaunch", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cuGraphExecDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cuGraphDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        FUNCTIONS = Collections.unmodifiableMap(f);
    }

    // CUdevice_attribute values (cuda.h).
    static final int ATTR_CLOCK_RATE = 13;
    static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;
    static final int STREAM_NON_BLOCKING = 1;
    static final int EVENT_DEFAULT = 0;
    static final int STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;

    // CUresult values the reasons single out (cuda.h).
    static final int SUCCESS = 0;
    static final int ERROR_OUT_OF_MEMORY = 2;
    static final int ERROR_NO_DEVICE = 100;

    private final Map<String, MethodHandle> handles;
    // The per-step hot paths skip the map lookup.
    private final MethodHandle launch;
    private final MethodHandle htod;
    private final MethodHandle dtoh;
    private final MethodHandle streamSync;

    private Driver(Map<String, MethodHandle> handles) {
        this.handles = handles;
        this.launch = handles.get("cuLaunchKernel");
        this.htod = handles.get("cuMemcpyHtoDAsync_v2");
        this.dtoh = handles.get("cuMemcpyDtoHAsync_v2");
        this.streamSync = handles.get("cuStreamSynchronize");
    }

    /**
     * Loads libcuda.so.1 and binds every function. Throws (IllegalArgumentException from the
     * loader, or {@link MissingSymbolException}) when the library or a symbol is missing.
     */
    static Driver load() {
        SymbolLookup lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        return bind(lib);
    }

    static Driver bind(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        Map<String, MethodHandle> handles = new LinkedHashMap<>();
        for (Map.Entry<String, FunctionDescriptor> e : FUNCTIONS.entrySet()) {
            Optional<MemorySegment> symbol = lib.find(e.getKey());
            if (symbol.isEmpty()) {
                throw new MissingSymbolException(LIBRARY, e.getKey());
            }
            handles.put(e.getKey(), linker.downcallHandle(symbol.get(), e.getValue()));
        }
        return new Driver(handles);
    }

    /** A symbol of a loaded library is missing: the library is older than what is bound. */
    static final class MissingSymbolException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingSymbolException(String library, String symbol) {
            super(library + " has no " + symbol);
        }
    }

    private MethodHandle h(String name) {
        return handles.get(name);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    // Thin wrappers with exact types (invokeExact needs them). Each returns the CUresult.

    int cuInit(int flags) {
        try {
            return (int) h("cuInit").invokeExact(flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDriverGetVersion(MemorySegment version) {
        try {
            return (int) h("cuDriverGetVersion").invokeExact(version);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuGetErrorName(int error, MemorySegment name) {
        try {
            return (int) h("cuGetErrorName").invokeExact(error, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuGetErrorString(int error, MemorySegment text) {
        try {
            return (int) h("cuGetErrorString").invokeExact(error, text);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceGetCount(MemorySegment count) {
        try {
            return (int) h("cuDeviceGetCount").invokeExact(count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceGet(MemorySegment device, int ordinal) {
        try {
            return (int) h("cuDeviceGet").invokeExact(device, ordinal);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceGetName(MemorySegment name, int len, int device) {
        try {
            return (int) h("cuDeviceGetName").invokeExact(name, len, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceGetAttribute(MemorySegment value, int attribute, int device) {
        try {
            return (int) h("cuDeviceGetAttribute").invokeExact(value, attribute, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDeviceTotalMem(MemorySegment bytes, int device) {
        try {
            return (int) h("cuDeviceTotalMem_v2").invokeExact(bytes, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDevicePrimaryCtxRetain(MemorySegment context, int device) {
        try {
            return (int) h("cuDevicePrimaryCtxRetain").invokeExact(context, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuDevicePrimaryCtxRelease(int device) {
        try {
            return (int) h("cuDevicePrimaryCtxRelease_v2").invokeExact(device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuCtxSetCurrent(MemorySegment context) {
        try {
            return (int) h("cuCtxSetCurrent").invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuCtxSynchronize() {
        try {
            return (int) h("cuCtxSynchronize").invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemGetInfo(MemorySegment free, MemorySegment total) {
        try {
            return (int) h("cuMemGetInfo_v2").invokeExact(free, total);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemAlloc(MemorySegment pointer, long bytes) {
        try {
            return (int) h("cuMemAlloc_v2").invokeExact(pointer, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemFree(long pointer) {
        try {
            return (int) h("cuMemFree_v2").invokeExact(pointer);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemAllocHost(MemorySegment pointer, long bytes) {
        try {
            return (int) h("cuMemAllocHost_v2").invokeExact(pointer, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemFreeHost(MemorySegment pointer) {
        try {
            return (int) h("cuMemFreeHost").invokeExact(pointer);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            return (int) htod.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try {
            return (int) dtoh.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuMemsetD8Async(long dst, byte value, long count, MemorySegment stream) {
        try {
            return (int) h("cuMemsetD8Async").invokeExact(dst, value, count, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuModuleLoadData(MemorySegment module, MemorySegment image) {
        try {
            return (int) h("cuModuleLoadData").invokeExact(module, image);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuModuleGetFunction(MemorySegment function, MemorySegment module, MemorySegment name) {
        try {
            return (int) h("cuModuleGetFunction").invokeExact(function, module, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuModuleUnload(MemorySegment module) {
        try {
            return (int) h("cuModuleUnload").invokeExact(module);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuLaunchKernel(MemorySegment function, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes,
                       MemorySegment stream, MemorySegment params, MemorySegment extra) {
        try {
            return (int) launch.invokeExact(function, gx, gy, gz, bx, by, bz, sharedBytes, stream, params,
                    extra);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuStreamCreate(MemorySegment stream, int flags) {
        try {
            return (int) h("cuStreamCreate").invokeExact(stream, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuStreamDestroy(MemorySegment stream) {
        try {
            return (int) h("cuStreamDestroy_v2").invokeExact(stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuStreamSynchronize(MemorySegment stream) {
        try {
            return (int) streamSync.invokeExact(stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuEventCreate(MemorySegment event, int flags) {
        try {
            return (int) h("cuEventCreate").invokeExact(event, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuEventRecord(MemorySegment event, MemorySegment stream) {
        try {
            return (int) h("cuEventRecord").invokeExact(event, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuEventSynchronize(MemorySegment event) {
        try {
            return (int) h("cuEventSynchronize").invokeExact(event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuEventElapsedTime(MemorySegment millis, MemorySegment start, MemorySegment end) {
        try {
            return (int) h("cuEventElapsedTime_v2").invokeExact(millis, start, end);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuEventDestroy(MemorySegment event) {
        try {
            return (int) h("cuEventDestroy_v2").invokeExact(event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuStreamBeginCapture(MemorySegment stream, int mode) {
        try {
            return (int) h("cuStreamBeginCapture_v2").invokeExact(stream, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuStreamEndCapture(MemorySegment stream, MemorySegment graph) {
        try {
            return (int) h("cuStreamEndCapture").invokeExact(stream, graph);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuGraphInstantiateWithFlags(MemorySegment exec, MemorySegment graph, long flags) {
        try {
            return (int) h("cuGraphInstantiateWithFlags").invokeExact(exec, graph, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuGraphLaunch(MemorySegment exec, MemorySegment stream) {
        try {
            return (int) h("cuGraphLaunch").invokeExact(exec, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuGraphExecDestroy(MemorySegment exec) {
        try {
            return (int) h("cuGraphExecDestroy").invokeExact(exec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int cuGraphDestroy(MemorySegment graph) {
        try {
            return (int) h("cuGraphDestroy").invokeExact(graph);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** "CUDA_ERROR_OUT_OF_MEMORY (out of memory)" for a CUresult, or the number if the driver cannot name it. */
    String describe(int result) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ADDRESS);
            MemorySegment text = arena.allocate(ADDRESS);
            String n = cuGetErrorName(result, name) == SUCCESS ? cString(name.get(ADDRESS, 0)) : null;
            String s = cuGetErrorString(result, text) == SUCCESS ? cString(text.get(ADDRESS, 0)) : null;
            if (n == null) {
                return "CUresult " + result;
            }
            return n + (s == null ? "" : " (" + s + ")");
        }
    }

    /** A NUL-terminated string the driver owns, read up to 1 KiB. */
    static String cString(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        return pointer.reinterpret(1024).getString(0);
    }
}
