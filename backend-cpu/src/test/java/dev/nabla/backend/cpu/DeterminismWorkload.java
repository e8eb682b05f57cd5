package dev.nabla.backend.cpu;

import dev.nabla.data.Dataset;
import dev.nabla.model.ModelFile;
import dev.nabla.nn.Network;
import dev.nabla.nn.Parameters;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.train.EpochReport;
import dev.nabla.train.TrainingRun;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A fixed workload over every operation of the `cpu` backend, in both dtypes, whose outputs are
 * hashed: GEMM in all four transposes on shapes that take each path (direct, one-vector tiles,
 * column split, shared blocks, parallel or not), the fused dense layers, column sums, both losses and
 * their gradients, SGD with and without momentum, the element-wise primitives, and whole training
 * runs through the public API ({@link Trainer}, {@link Sgd}) ending in a model file. Shapes are
 * chosen so that the element-wise ops and the loss cross the parallel threshold with ragged tails.
 *
 * <p>The same hash must come out for any thread count, in any JIT tier, in any JVM: the tests run it
 * in-process with 1, 2 and 3 threads, and in child JVMs under -Xint, C1 only and C2 (cold and warm);
 * see {@link DeterminismDriver}.
 */
final class DeterminismWorkload {
    /** GEMM shapes m x n x k: direct, narrow (n <= L), column split (m <= 512, parallel), shared blocks. */
    static final int[][] GEMM_SHAPES = {{5, 7, 3}, {70, 10, 300}, {100, 150, 90}, {600, 40, 50}};
    /** The same paths, single-threaded and small enough for the interpreter: direct, narrow, packed with edges. */
    static final int[][] TINY_GEMM_SHAPES = {{5, 7, 3}, {30, 10, 40}, {40, 70, 30}};

    private DeterminismWorkload() {
    }

    /**
     * What a run covers: TINY, every kernel on small shapes (a few seconds in the interpreter, which
     * runs the Vector API's Java fallback); KERNELS, every kernel on shapes that cross the parallel
     * thresholds; ALL, those and the training runs.
     */
    enum Scope {
        TINY(TINY_GEMM_SHAPES, 37, 41), KERNELS(GEMM_SHAPES, 130, 150), ALL(GEMM_SHAPES, 130, 150);

        final int[][] gemmShapes;
        /** Element-wise tensors: 130 x 150 = 19,500 elements, above CpuBackend.PARALLEL_ELEMENTS, not a multiple of a vector. */
        final int rows;
        final int cols;

        Scope(int[][] gemmShapes, int rows, int cols) {
            this.gemmShapes = gemmShapes;
            this.rows = rows;
            this.cols = cols;
        }
    }

    /** The hash of the workload on a `cpu` backend with {@code threads} threads, as hex. */
    static String hash(int threads, Scope scope) {
        MessageDigest digest = sha256();
        try (Backend backend = new CpuBackend(threads, Blocking.FLOAT, Blocking.DOUBLE)) {
            run(backend, scope, bytes -> digest.update(bytes));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Feeds every output of the workload, in order, to {@code sink}. */
    static void run(Backend backend, Scope scope, Consumer<byte[]> sink) {
        for (DType dtype : DType.values()) {
            for (Op op : ops(scope)) {
                op.run(backend, dtype, sink);
            }
        }
        if (scope == Scope.ALL) {
            for (DType dtype : DType.values()) {
                for (Loss loss : new Loss[] {Loss.MSE, Loss.BCE}) {
                    sink.accept(train(backend, dtype, loss, loss == Loss.MSE ? 0.9 : 0));
                }
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static double[] random(long seed, int n, double lo, double hi) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * random.nextDouble();
        }
        return v;
    }

    static Tensor tensor(Backend backend, DType dtype, int rows, int cols, long seed, double lo, double hi) {
        Tensor t = backend.zeros(dtype, rows, cols);
        backend.copyFromHost(random(seed, rows * cols, lo, hi), t);
        return t;
    }

    /** The tensor's values in its dtype, as bytes (float32 as 4 bytes each). */
    static byte[] bytes(Backend backend, Tensor t) {
        if (t.dtype() == DType.FLOAT32) {
            float[] f = backend.toHostFloats(t);
            ByteBuffer buf = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(f);
            return buf.array();
        }
        double[] d = backend.toHostDoubles(t);
        ByteBuffer buf = ByteBuffer.allocate(8 * d.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asDoubleBuffer().put(d);
        return buf.array();
    }

    static byte[] bytes(double v) {
        return ByteBuffer.allocate(8).putDouble(v).array();
    }

    /** What an operation does: runs on the backend in the dtype and feeds its outputs to the sink. */
    interface Body {
        void run(Backend backend, DType dtype, Consumer<byte[]> sink);
    }

    /** One operation of the workload, by name, so a test can report which one differs. */
    record Op(String name, Body body) {
        void run(Backend backend, DType dtype, Consumer<byte[]> sink) {
            body.run(backend, dtype, sink);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Op op(String name, Body body) {
        return new Op(name, body);
    }

    /** The kernel operations of a scope, each named. */
    static List<Op> ops(Scope scope) {
        final int ROWS = scope.rows;
        final int COLS = scope.cols;
        List<Op> ops = new ArrayList<>();
        for (int[] s : scope.gemmShapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 2) != 0;
                boolean tb = (t & 1) != 0;
                ops.add(op("gemm " + (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k,
                        (backend, dtype, sink) -> {
                            try (Tensor a = tensor(backend, dtype, ta ? k : m, ta ? m : k, 1, -1, 1);
                                 Tensor b = tensor(backend, dtype, tb ? n : k, tb ? k : n, 2, -1, 1);
                                 Tensor c = tensor(backend, dtype, m, n, 3, -1, 1)) {
                                backend.gemm(ta, tb, 1.0, a, b, 0.0, c);
                                sink.accept(bytes(backend, c));
                                backend.gemm(ta, tb, 0.75, a, b, -0.5, c);
                                sink.accept(bytes(backend, c));
                            }
                        }));
            }
            ops.add(op("denseForward/denseBackward " + m + "x" + n + "x" + k, (backend, dtype, sink) -> {
                try (Tensor x = tensor(backend, dtype, m, k, 4, 0, 1);
                     Tensor w = tensor(backend, dtype, n, k, 5, -0.3, 0.3);
                     Tensor bias = tensor(backend, dtype, 1, n, 6, -1, 1);
                     Tensor z = backend.zeros(dtype, m, n);
                     Tensor a = backend.zeros(dtype, m, n);
                     Tensor dz = tensor(backend, dtype, m, n, 7, -1, 1);
                     Tensor prev = backend.zeros(dtype, m, k)) {
                    for (CpuBackend.ForwardOrientation o : CpuBackend.ForwardOrientation.values()) {
                        ((CpuBackend) backend).forwardOrientation(o);
                        backend.denseForward(x, w, bias, z, a);
                        sink.accept(bytes(backend, z));
                        sink.accept(bytes(backend, a));
                        backend.denseForward(x, w, bias, null, a);
                        sink.accept(bytes(backend, a));
                    }
                    ((CpuBackend) backend).forwardOrientation(CpuBackend.ForwardOrientation.BY_SHAPE);
                    backend.denseBackward(dz, w, x, prev);
                    sink.accept(bytes(backend, prev));
                }
            }));
        }
        ops.add(op("columnSums", (backend, dtype, sink) -> {
            try (Tensor x = tensor(backend, dtype, ROWS, COLS + 37, 8, -1, 1); Tensor out = backend.zeros(dtype, 1, COLS + 37)) {
                backend.columnSums(x, out);
                sink.accept(bytes(backend, out));
            }
        }));
        ops.add(op("loss and gradient", (backend, dtype, sink) -> {
            try (Tensor z = tensor(backend, dtype, ROWS, COLS, 9, -30, 30);
                 Tensor a = backend.zeros(dtype, ROWS, COLS);
                 Tensor y = tensor(backend, dtype, ROWS, COLS, 10, 0, 1);
                 Tensor dz = backend.zeros(dtype, ROWS, COLS)) {
                backend.sigmoid(z, a);
                sink.accept(bytes(backend, a));
                for (Loss loss : new Loss[] {Loss.MSE, Loss.BCE}) {
                    sink.accept(bytes(backend.loss(loss, z, a, y)));
                    backend.lossGradient(loss, a, y, dz);
                    sink.accept(bytes(backend, dz));
                    sink.accept(bytes(backend.lossAndGradient(loss, z, a, y, dz)));
                    sink.accept(bytes(backend, dz));
                }
            }
        }));
        ops.add(op("element-wise", (backend, dtype, sink) -> {
            try (Tensor x = tensor(backend, dtype, ROWS, COLS, 11, -1, 1);
                 Tensor g = tensor(backend, dtype, ROWS, COLS, 12, -1, 1);
                 Tensor row = tensor(backend, dtype, 1, COLS, 13, -1, 1);
                 Tensor out = backend.zeros(dtype, ROWS, COLS)) {
                backend.addRowVector(x, row, out);
                sink.accept(bytes(backend, out));
                backend.sigmoidBackward(g, x, out);
                sink.accept(bytes(backend, out));
                backend.axpy(-0.37, g, x);
                sink.accept(bytes(backend, x));
                backend.scale(1.7, x);
                sink.accept(bytes(backend, x));
            }
        }));
        ops.add(op("sgdUpdate", (backend, dtype, sink) -> {
            try (Tensor p = tensor(backend, dtype, ROWS + 40, COLS - 20, 14, -1, 1);
                 Tensor g = tensor(backend, dtype, ROWS + 40, COLS - 20, 15, -1, 1);
                 Tensor v = tensor(backend, dtype, ROWS + 40, COLS - 20, 16, -1, 1)) {
                backend.sgdUpdate(p, g, null, 0.3, 0);
                sink.accept(bytes(backend, p));
                backend.sgdUpdate(p, g, v, 0.3, 0.9);
                sink.accept(bytes(backend, p));
                sink.accept(bytes(backend, v));
            }
        }));
        return ops;
    }

    /** Network sizes of the training runs: the first layer's products take the parallel column split. */
    static final int[] SIZES = {200, 160, 90, 10};
    static final int TRAIN_ROWS = 150;
    static final int BATCH = 64;

    /**
     * Trains a 200-160-90-10 network for one epoch (batches of 64, 64 and 22, shuffled) with the
     * public API and returns the model file's bytes followed by the epoch's mean loss.
     */
    static byte[] train(Backend backend, DType dtype, Loss loss, double momentum) {
        Dataset data = SyntheticTeacher.generate(7, TRAIN_ROWS, SIZES);
        Parameters initial = Parameters.xavierUniform(3, SIZES);
        try (Network net = new Network(backend, dtype, loss, initial)) {
            TrainingRun run = TrainingRun.builder().learningRate(0.5).momentum(momentum).batchSize(BATCH)
                    .epochs(1).shuffle(true).seed(11).build();
            List<EpochReport> epochs = run.fit(net, data).epochs();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelFile.write(out, net.parameters(), dtype, loss);
            for (EpochReport e : epochs) {
                out.writeBytes(bytes(e.loss()));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
