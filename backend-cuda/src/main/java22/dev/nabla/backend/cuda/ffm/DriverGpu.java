package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.Fatbin;
import dev.nabla.backend.cuda.Geometry;
import dev.nabla.backend.cuda.KernelCatalog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A GPU through the CUDA driver: its primary context (the one the CUDA runtime, and so cuBLAS,
 * also uses), the fatbin loaded as a module, and the kernels' handles. Opened once per device and
 * JVM ({@link CudaRuntime}), shared by every backend on that device; the context is retained for
 * the life of the JVM.
 *
 * <p>Threads: a CUDA context is current per thread. {@link #bind()} makes this GPU's context
 * current on the calling thread when it is not (a thread-local check, then cuCtxSetCurrent), and
 * every method calls it, so any thread may use the GPU: the backend's own thread, another one
 * after it, or the Cleaner's thread freeing a forgotten tensor.
 */
public final class DriverGpu implements Gpu {
    /** The driver's CUDA version the fatbin needs (see {@link Fatbin#REQUIRED_DRIVER_VERSION}). */
    public static final int REQUIRED_DRIVER_VERSION = Fatbin.REQUIRED_DRIVER_VERSION;
    /** The lowest compute capability the fatbin has code for (sm_75 SASS, compute_75 PTX). */
    public static final int MIN_MAJOR = 7;
    public static final int MIN_MINOR = 5;

    private static final ThreadLocal<MemorySegment> CURRENT = new ThreadLocal<>();

    final Driver driver;
    private final int ordinal;
    private final int device;
    private final String name;
    private final int major;
    private final int minor;
    private final int sms;
    private final int clockKhz;
    private final long totalMemory;
    private final int driverVersion;
    private final MemorySegment context;
    private final Map<String, Long> functionHandles = new HashMap<>();

    /** Why a GPU cannot be used: the message is the availability reason. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;
        /** Whether the machine simply has no GPU (nothing to warn about), rather than an unusable one. */
        final boolean absent;

        Unusable(String reason) {
            this(reason, false);
        }

        Unusable(String reason, boolean absent) {
            super(reason, null, false, false);
            this.absent = absent;
        }
    }

    private DriverGpu(Driver driver, int ordinal, int device, String name, int major, int minor, int sms, int clockKhz,
                      long totalMemory, int driverVersion, MemorySegment context) {
        this.driver = driver;
        this.ordinal = ordinal;
        this.device = device;
        this.name = name;
        this.major = major;
        this.minor = minor;
        this.sms = sms;
        this.clockKhz = clockKhz;
        this.totalMemory = totalMemory;
        this.driverVersion = driverVersion;
        this.context = context;
    }

    /**
     * Initialises the driver, checks the device and loads the fatbin. Every reason a GPU cannot run
     * the backend comes out as {@link Unusable} with one line saying which.
     */
    static DriverGpu open(Driver driver, int ordinal, byte[] fatbin) throws Unusable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int r = driver.cuInit(0);
            if (r == Driver.ERROR_NO_DEVICE) {
                throw new Unusable("no CUDA device: the NVIDIA driver is installed but sees no GPU (cuInit: "
                        + driver.describe(r) + ")", true);
            }
            if (r != Driver.SUCCESS) {
                throw new Unusable("the NVIDIA driver failed to initialise (cuInit: " + driver.describe(r) + ")");
            }
            checkOrUnusable(driver, driver.cuDriverGetVersion(out), "cuDriverGetVersion");
            int version = out.get(JAVA_INT, 0);
            checkOrUnusable(driver, driver.cuDeviceGetCount(out), "cuDeviceGetCount");
            int count = out.get(JAVA_INT, 0);
            if (count == 0) {
                throw new Unusable("no CUDA device: the NVIDIA driver sees no GPU", true);
            }
            if (ordinal >= count) {
                throw new Unusable("device " + ordinal + " was asked for, but the driver sees " + count + " GPU(s) (0.."
                        + (count - 1) + ")");
            }
            checkOrUnusable(driver, driver.cuDeviceGet(out, ordinal), "cuDeviceGet");
            int device = out.get(JAVA_INT, 0);
            MemorySegment nameBuf = arena.allocate(256);
            checkOrUnusable(driver, driver.cuDeviceGetName(nameBuf, 256, device), "cuDeviceGetName");
            String name = nameBuf.getString(0);
            int major = attribute(driver, out, Driver.ATTR_COMPUTE_CAPABILITY_MAJOR, device);
            int minor = attribute(driver, out, Driver.ATTR_COMPUTE_CAPABILITY_MINOR, device);
            int sms = attribute(driver, out, Driver.ATTR_MULTIPROCESSOR_COUNT, device);
            int clock = driver.cuDeviceGetAttribute(out, Driver.ATTR_CLOCK_RATE, device) == Driver.SUCCESS
                    ? out.get(JAVA_INT, 0) : 0;
            checkOrUnusable(driver, driver.cuDeviceTotalMem(out, device), "cuDeviceTotalMem");
            long total = out.get(JAVA_LONG, 0);
            String gpu = "GPU " + ordinal + " (" + name + ", compute capability " + major + "." + minor + ")";
            String capability = capabilityReason(major, minor);
            if (capability != null) {
                throw new Unusable(gpu + ": " + capability);
            }
            String driverReason = driverReason(version);
            if (driverReason != null) {
                throw new Unusable(gpu + ": " + driverReason);
            }
            if (fatbin == null) {
                throw new Unusable("the kernels (" + Fatbin.RESOURCE + ") are missing from the jar: a broken build");
            }
            Fatbin contents = Fatbin.parse(fatbin);
            if (!contents.runsOn(major, minor)) {
                throw new Unusable(gpu + ": the packaged kernels carry " + contents + ", none of which runs on it");
            }
            checkOrUnusable(driver, driver.cuDevicePrimaryCtxRetain(out, device), "cuDevicePrimaryCtxRetain");
            MemorySegment context = out.get(ADDRESS, 0);
            DriverGpu opened = new DriverGpu(driver, ordinal, device, name, major, minor, sms, clock, total, version,
                    context);
            opened.bind();
            opened.loadModule(fatbin, gpu);
            return opened;
        }
    }

    /** Why a GPU of this compute capability cannot run the kernels, or null. */
    static String capabilityReason(int major, int minor) {
        if (major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR)) {
            return "Nabla's CUDA kernels need compute capability " + MIN_MAJOR + "." + MIN_MINOR
                    + " (Turing) or newer";
        }
        return null;
    }

    /** Why a driver of this CUDA version (cuDriverGetVersion's 1000 major + 10 minor) is too old, or null. */
    static String driverReason(int version) {
        if (version >= REQUIRED_DRIVER_VERSION) {
            return null;
        }
        return "the NVIDIA driver supports CUDA " + cudaVersion(version) + ", but the kernels were compiled with CUDA "
                + cudaVersion(REQUIRED_DRIVER_VERSION) + " (PTX ISA 9.0) and need a driver for CUDA "
                + cudaVersion(REQUIRED_DRIVER_VERSION) + " or newer (R580+): update the driver";
    }

    static String cudaVersion(int version) {
        return (version / 1000) + "." + (version % 1000) / 10;
    }

    private static int attribute(Driver driver, MemorySegment out, int attribute, int device) throws Unusable {
        checkOrUnusable(driver, driver.cuDeviceGetAttribute(out, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return out.get(JAVA_INT, 0);
    }

    private static void checkOrUnusable(Driver driver, int result, String call) throws Unusable {
        if (result != Driver.SUCCESS) {
            throw new Unusable("the NVIDIA driver failed: " + call + ": " + driver.describe(result));
        }
    }

    private void loadModule(byte[] fatbin, String gpu) throws Unusable {
        // The image and the module live as long as the JVM, like the primary context.
        MemorySegment image = Arena.global().allocate(fatbin.length, 256);
        image.copyFrom(MemorySegment.ofArray(fatbin));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int r = driver.cuModuleLoadData(out, image);
            if (r != Driver.SUCCESS) {
                throw new Unusable(gpu + ": the driver could not load the kernels (cuModuleLoadData: " + driver.describe(r)
                        + "); they carry " + Fatbin.parse(fatbin) + " and need a driver for CUDA "
                        + cudaVersion(REQUIRED_DRIVER_VERSION) + "+");
            }
            MemorySegment module = out.get(ADDRESS, 0);
            for (String kernel : KernelCatalog.all().keySet()) {
                r = driver.cuModuleGetFunction(out, module, arena.allocateFrom(kernel));
                if (r != Driver.SUCCESS) {
                    throw new Unusable("the packaged kernels lack " + kernel + " (cuModuleGetFunction: " + driver.describe(r)
                            + "): a stale fatbin");
                }
                MemorySegment f = out.get(ADDRESS, 0);
                functionHandles.put(kernel, f.address());
            }
        }
    }

    void check(int result, String call) {
        if (result != Driver.SUCCESS) {
            throw new CudaException(call, result, driver.describe(result));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int ordinal() {
        return ordinal;
    }

    public int computeMajor() {
        return major;
    }

    public int computeMinor() {
        return minor;
    }

    /** The SM clock the driver reports (CU_DEVICE_ATTRIBUTE_CLOCK_RATE), kHz; 0 if it reports none. */
    public int clockKhz() {
        return clockKhz;
    }

    public long totalMemory() {
        return totalMemory;
    }

    public int driverVersion() {
        return driverVersion;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s: compute capability %d.%d, %d SMs, %.1f GiB; driver for CUDA %s", name, major,
                minor, sms, totalMemory / (double) (1L << 30), cudaVersion(driverVersion));
    }

    @Override
    public int multiprocessors() {
        return sms;
    }

    @Override
    public void bind() {
        if (CURRENT.get() != context) {
            check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CURRENT.set(context);
        }
    }

    @Override
    public long allocate(long bytes) {
        bind();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int r = driver.cuMemAlloc(out, bytes);
            if (r == Driver.ERROR_OUT_OF_MEMORY) {
                return 0;
            }
            check(r, "cuMemAlloc(" + bytes + " bytes)");
            return out.get(JAVA_LONG, 0);
        }
    }

    @Override
    public void free(long pointer) {
        bind();
        // Kernels queued on any stream may still use the memory: wait for them first.
        int sync = driver.cuCtxSynchronize();
        check(driver.cuMemFree(pointer), "cuMemFree");
        check(sync, "cuCtxSynchronize");
    }

    @Override
    public long[] memoryInfo() {
        bind();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            check(driver.cuMemGetInfo(free, total), "cuMemGetInfo");
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    @Override
    public long createStream() {
        bind();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(driver.cuStreamCreate(out, Driver.STREAM_NON_BLOCKING), "cuStreamCreate");
            return out.get(ADDRESS, 0).address();
        }
    }

    @Override
    public void destroyStream(long stream) {
        bind();
        check(driver.cuStreamDestroy(MemorySegment.ofAddress(stream)), "cuStreamDestroy");
    }

    @Override
    public void memsetZero(long pointer, long bytes, long stream) {
        bind();
        check(driver.cuMemsetD8Async(pointer, (byte) 0, bytes, MemorySegment.ofAddress(stream)), "cuMemsetD8Async");
    }

    @Override
    public void copyToDevice(long dst, MemorySegment src, long bytes, long stream) {
        bind();
        check(driver.cuMemcpyHtoDAsync(dst, src, bytes, MemorySegment.ofAddress(stream)), "cuMemcpyHtoDAsync");
    }

    @Override
    public void copyToHost(MemorySegment dst, long src, long bytes, long stream) {
        bind();
        check(driver.cuMemcpyDtoHAsync(dst, src, bytes, MemorySegment.ofAddress(stream)), "cuMemcpyDtoHAsync");
    }

    @Override
    public void synchronize(long stream) {
        bind();
        check(driver.cuStreamSynchronize(MemorySegment.ofAddress(stream)), "cuStreamSynchronize");
    }

    @Override
    public MemorySegment allocateHost(long bytes) {
        bind();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(driver.cuMemAllocHost(out, bytes), "cuMemAllocHost(" + bytes + " bytes)");
            return out.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    @Override
    public void freeHost(MemorySegment host) {
        bind();
        check(driver.cuMemFreeHost(host), "cuMemFreeHost");
    }

    @Override
    public long function(String kernel) {
        Long f = functionHandles.get(kernel);
        if (f == null) {
            throw new IllegalArgumentException("cuda: no kernel named " + kernel);
        }
        return f;
    }

    @Override
    public void launch(long function, String kernel, Geometry g, long stream, MemorySegment params) {
        bind();
        int r = driver.cuLaunchKernel(MemorySegment.ofAddress(function), g.gridX(), g.gridY(), g.gridZ(), g.blockX(),
                g.blockY(), g.blockZ(), 0, MemorySegment.ofAddress(stream), params, MemorySegment.NULL);
        if (r != Driver.SUCCESS) {
            throw new CudaException("cuLaunchKernel(" + kernel + ", " + g + ")", r, driver.describe(r));
        }
    }

    @Override
    public long createEvent() {
        bind();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(driver.cuEventCreate(out, Driver.EVENT_DEFAULT), "cuEventCreate");
            return out.get(ADDRESS, 0).address();
        }
    }

    @Override
    public void recordEvent(long event, long stream) {
        bind();
        check(driver.cuEventRecord(MemorySegment.ofAddress(event), MemorySegment.ofAddress(stream)), "cuEventRecord");
    }

    @Override
    public float elapsedMillis(long start, long end) {
        bind();
        check(driver.cuEventSynchronize(MemorySegment.ofAddress(end)), "cuEventSynchronize");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT);
            check(driver.cuEventElapsedTime(out, MemorySegment.ofAddress(start), MemorySegment.ofAddress(end)),
                    "cuEventElapsedTime");
            return out.get(JAVA_FLOAT, 0);
        }
    }

    @Override
    public void destroyEvent(long event) {
        bind();
        check(driver.cuEventDestroy(MemorySegment.ofAddress(event)), "cuEventDestroy");
    }

    @Override
    public String toString() {
        return "GPU " + ordinal + " (" + describe() + ")";
    }
}
