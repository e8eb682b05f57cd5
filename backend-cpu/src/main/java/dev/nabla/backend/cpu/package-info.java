/**
 * The {@code cpu} backend: pure Java on the Vector API ({@code jdk.incubator.vector}), a packed,
 * cache-blocked GEMM in the shape of BLIS with the dense layer's bias, sigmoid and sigmoid derivative
 * fused into its epilogues, on a persistent pool of worker threads. The JVM must be started with
 * {@code --add-modules=jdk.incubator.vector}; without it {@link dev.nabla.backend.cpu.CpuProvider}
 * reports the backend unavailable and says so. Threads: {@code BackendOptions.withThreads}, else
 * {@code -Dnabla.threads} or {@code NABLA_THREADS}, else every core.
 */
package dev.nabla.backend.cpu;
