package dev.nabla.backend.cuda.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * A recorded sequence of a backend's kernel launches, replayed with one call (a CUDA graph): for
 * steps of small networks, where launching ~20 kernels costs more than running them (issue 12's
 * "one SGD step per CUDA graph"). Kept apart from {@link CudaBackend}: the tensor API has no
 * notion of it yet, and only work that never waits for the host can be captured.
 *
 * <p>{@link #capture} runs {@code work} on the calling thread with the backend's stream in capture
 * mode (thread-local, so other threads are unaffected): the kernels are recorded, not run.
 * Operations that read results back (host copies, {@code loss}, {@code lossAndGradient},
 * {@code rowArgmax}), allocate or free device memory must stay outside; warm the work up once
 * before capturing so the split-K workspace has its final size. {@code lossGradient},
 * {@code denseForward}, {@code denseBackward}, {@code gemm}, {@code columnSums} and
 * {@code sgdUpdate} are capturable. Replays read the tensors' current contents: a replay computes
 * with whatever the captured tensors hold then.
 *
 * <p>Needs the real driver ({@link DriverGpu}); untested without a GPU except for its failure path.
 */
public final class CudaGraph implements AutoCloseable {
    private final CudaBackend backend;
    private final DriverGpu gpu;
    private final MemorySegment graph;
    private final MemorySegment exec;
    private boolean closed;

    private CudaGraph(CudaBackend backend, DriverGpu gpu, MemorySegment graph, MemorySegment exec) {
        this.backend = backend;
        this.gpu = gpu;
        this.graph = graph;
        this.exec = exec;
    }

    /** Records {@code work}'s launches on the backend's stream into a graph ready to replay. */
    public static CudaGraph capture(CudaBackend backend, Runnable work) {
        if (!(backend.gpu() instanceof DriverGpu gpu)) {
            throw new UnsupportedOperationException("cuda: graphs need the CUDA driver; this backend runs on "
                    + backend.gpu().name());
        }
        gpu.bind();
        MemorySegment stream = MemorySegment.ofAddress(backend.stream());
        Driver d = gpu.driver;
        backend.synchronize();
        gpu.check(d.cuStreamBeginCapture(stream, Driver.STREAM_CAPTURE_MODE_THREAD_LOCAL), "cuStreamBeginCapture");
        RuntimeException failure = null;
        try {
            work.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int r = d.cuStreamEndCapture(stream, out);
            if (failure != null) {
                MemorySegment g = out.get(ADDRESS, 0);
                if (r == Driver.SUCCESS && !g.equals(MemorySegment.NULL)) {
                    d.cuGraphDestroy(g);
                }
                throw new IllegalStateException("cuda: capturing the graph failed (only kernel launches can be "
                        + "captured: no host copies, loss values, allocations or frees): " + failure.getMessage(), failure);
            }
            gpu.check(r, "cuStreamEndCapture");
            MemorySegment g = out.get(ADDRESS, 0);
            r = d.cuGraphInstantiateWithFlags(out, g, 0);
            if (r != Driver.SUCCESS) {
                d.cuGraphDestroy(g);
                gpu.check(r, "cuGraphInstantiateWithFlags");
            }
            return new CudaGraph(backend, gpu, g, out.get(ADDRESS, 0));
        }
    }

    /** Queues one replay on the backend's stream (asynchronous, like any backend operation). */
    public void replay() {
        if (closed) {
            throw new IllegalStateException("cuda: the graph is closed");
        }
        if (backend.isClosed()) {
            throw new IllegalStateException("backend 'cuda' is closed");
        }
        gpu.bind();
        gpu.check(gpu.driver.cuGraphLaunch(exec, MemorySegment.ofAddress(backend.stream())), "cuGraphLaunch");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            gpu.bind();
            gpu.check(gpu.driver.cuGraphExecDestroy(exec), "cuGraphExecDestroy");
            gpu.check(gpu.driver.cuGraphDestroy(graph), "cuGraphDestroy");
        }
    }
}
