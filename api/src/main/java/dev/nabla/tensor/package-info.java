/**
 * The tensor API: {@link dev.nabla.tensor.Backend} creates 2-D {@link dev.nabla.tensor.Tensor}s and runs
 * the small set of operations a dense sigmoid network needs (GEMM with transposes, bias broadcast,
 * sigmoid and its backward step, column sums, the {@link dev.nabla.tensor.Loss losses}, the SGD update,
 * and fused dense-layer steps), always into caller-supplied outputs. Every operation validates its
 * arguments once, here, for all backends, so misuse fails with the same message everywhere.
 *
 * <p>A backend instance, and the tensors it created, are used from one thread at a time; several
 * backends may live in one JVM. Close a backend (and, for off-heap backends, its tensors) when done.
 */
package dev.nabla.tensor;
