/**
 * The tensor API: {@link dev.nabla.tensor.Backend} creates 2-D {@link dev.nabla.tensor.Tensor}s and runs
 * the small set of operations a dense sigmoid network needs (GEMM with transposes, bias broadcast,
 * sigmoid and its backward step, column sums, the {@link dev.nabla.tensor.Loss losses}, the SGD update,
 * and fused dense-layer steps), always into caller-supplied outputs. Every operation validates its
 * arguments once, here, for all backends, so misuse fails with the same message everywhere.
 *
 * <p>A backend instance, and the tensors it created, are used from one thread at a time; several
 * backends may live in one JVM. Close a backend (and, for off-heap backends, its tensors) when done.
 *
 * <p>Tensors are [rows, cols] and row-major; a dense layer holds its weight as [out, in] and its bias
 * as [1, out], and a mini-batch of B examples is [B, in]. Most applications never touch tensors:
 * {@code dev.nabla.nn.Network} (in {@code nabla-core}) drives them. Used directly:
 * <pre>{@code
 * try (Backend backend = Backends.create("reference");
 *      Tensor a = backend.zeros(DType.FLOAT64, 2, 3);
 *      Tensor b = backend.zeros(DType.FLOAT64, 3, 2);
 *      Tensor c = backend.zeros(DType.FLOAT64, 2, 2)) {
 *     backend.copyFromHost(new double[] {1, 2, 3, 4, 5, 6}, a);
 *     backend.copyFromHost(new double[] {1, 0, 0, 1, 1, 1}, b);
 *     backend.gemm(false, false, 1.0, a, b, 0.0, c);   // c = a b
 *     double[] product = backend.toHostDoubles(c);      // {4, 5, 10, 11}
 * }
 * }</pre>
 */
package dev.nabla.tensor;
