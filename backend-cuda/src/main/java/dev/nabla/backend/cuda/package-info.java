/**
 * The {@code cuda} backend: Nabla's own CUDA kernels on an NVIDIA GPU of compute capability 7.5 or
 * newer, called through the CUDA driver API ({@code libcuda.so.1}) with Java's FFM API; it needs
 * Java 22+ and a driver for CUDA 13.0+. Applications use it by id ({@code Backends.create("cuda")},
 * or as the default where a usable GPU is present) and configure it with {@link
 * dev.nabla.backend.cuda.CudaOptions}' keys ({@code device}, {@code gemm=own|cublas}, {@code tf32})
 * as backend options, {@code -Dnabla.cuda.KEY} or {@code NABLA_CUDA_KEY}.
 *
 * <p>{@link dev.nabla.backend.cuda.CudaProvider} is Java 17 like the rest of the project, so that a
 * Java 17 JVM can say why the backend cannot run there; the backend itself lives in the module's
 * Java 22 half ({@code dev.nabla.backend.cuda.ffm}, not in this javadoc). The other public types of
 * this package (GEMM planning, launch geometry, the kernel catalog, the fatbin reader) are internal
 * to the backend and public only for that half.
 *
 * <p>Tensors are device allocations: close them (and the backend) to free GPU memory at once; a
 * {@link java.lang.ref.Cleaner} frees forgotten ones. One backend drives one stream; any thread may
 * use it, one at a time.
 */
package dev.nabla.backend.cuda;
