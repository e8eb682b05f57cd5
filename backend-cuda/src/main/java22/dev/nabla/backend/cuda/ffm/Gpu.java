package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.Geometry;

import java.lang.foreign.MemorySegment;

/**
 * One GPU as the backend uses it: device memory, pinned host memory, streams, events, and the
 * kernels of the loaded fatbin. {@link DriverGpu} is the real one (the CUDA driver through FFM);
 * the tests also drive the backend through a host emulator of the same kernels, which implements
 * this interface too. Device pointers and stream handles are plain {@code long} addresses.
 *
 * <p>Contexts: every method makes the GPU's context current on the calling thread first (see
 * {@link #bind()}), so any thread may call it.
 */
public interface Gpu {
    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    String name();

    /** The device's ordinal (its index among the driver's devices). */
    int ordinal();

    /** One line: name, compute capability, SMs, memory, driver. */
    String describe();

    /** Streaming multiprocessors: what the GEMM planner fills. */
    int multiprocessors();

    /** Makes this GPU's context current on the calling thread, if it is not already. */
    void bind();

    /** A device allocation of at least {@code bytes} bytes, 256-byte aligned; 0 when the device is out of memory. */
    long allocate(long bytes);

    /** Frees an allocation once the device has finished every queued use of it. */
    void free(long pointer);

    /** {free, total} device memory in bytes. */
    long[] memoryInfo();

    long createStream();

    void destroyStream(long stream);

    /** Queues {@code bytes} zero bytes at {@code pointer}. */
    void memsetZero(long pointer, long bytes, long stream);

    /** Queues a copy from (pinned) host memory to the device. */
    void copyToDevice(long dst, MemorySegment src, long bytes, long stream);

    /** Queues a copy from the device to (pinned) host memory. */
    void copyToHost(MemorySegment dst, long src, long bytes, long stream);

    /** Waits for everything queued on the stream; reports a kernel's failure. */
    void synchronize(long stream);

    /** Page-locked host memory of {@code bytes} bytes, 256-byte aligned. */
    MemorySegment allocateHost(long bytes);

    void freeHost(MemorySegment host);

    /** The handle of a kernel of the loaded fatbin; an error if it has none of that name. */
    long function(String kernel);

    /** Queues a kernel launch; {@code params} is cuLaunchKernel's kernelParams array. */
    void launch(long function, String kernel, Geometry geometry, long stream, MemorySegment params);

    long createEvent();

    void recordEvent(long event, long stream);

    /** Milliseconds between two recorded events, waiting for the second. */
    float elapsedMillis(long start, long end);

    void destroyEvent(long event);
}
