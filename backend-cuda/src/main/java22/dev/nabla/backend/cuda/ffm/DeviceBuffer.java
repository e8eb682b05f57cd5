package dev.nabla.backend.cuda.ffm;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One device allocation and the duty to free it exactly once: by its tensor's close, by its
 * backend's close, or by the Cleaner once its tensor is unreachable (the backstop), whichever
 * comes first. Holds no reference to the tensor, so the Cleaner can run.
 */
final class DeviceBuffer implements Runnable {
    final Gpu gpu;
    final long pointer;
    final long bytes;
    private final Set<DeviceBuffer> owner;
    private final AtomicBoolean freed = new AtomicBoolean();

    DeviceBuffer(Gpu gpu, long pointer, long bytes, Set<DeviceBuffer> owner) {
        this.gpu = gpu;
        this.pointer = pointer;
        this.bytes = bytes;
        this.owner = owner;
        owner.add(this);
    }

    /** Frees the allocation if nobody has yet. */
    void free() {
        if (freed.compareAndSet(false, true)) {
            owner.remove(this);
            gpu.free(pointer);
        }
    }

    boolean isFreed() {
        return freed.get();
    }

    /** The Cleaner's action. */
    @Override
    public void run() {
        try {
            free();
        } catch (RuntimeException e) {
            // A Cleaner thread has nobody to report to; the backend's close reports the GPU's state.
        }
    }
}
