package dev.nabla.backend.cuda.ffm;

/** A CUDA driver call failed: names the call and the driver's error. */
public final class CudaException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final int result;

    public CudaException(String call, int result, String description) {
        super("cuda: " + call + " failed: " + description);
        this.result = result;
    }

    /** The CUresult (or, for cuBLAS calls, the cublasStatus_t). */
    public int result() {
        return result;
    }
}
