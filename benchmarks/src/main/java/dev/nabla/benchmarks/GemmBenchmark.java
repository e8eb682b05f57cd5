package dev.nabla.benchmarks;

import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * GEMM through {@link Backend#gemm} (C = op(A) op(B), beta = 0, into a preallocated C), one call per
 * operation: score = calls/s, so GFLOP/s = score x 2MNK / 1e9 (the report does this). Problems are
 * square sizes and the products of the two MLPs' training steps (see {@link GemmProblem}), on one
 * thread and on all cores ({@code threads} = 1 or all, passed as
 * {@link dev.nabla.spi.BackendOptions#withThreads}).
 *
 * <p>{@code openblas} is the yardstick: ND4J's own {@code Nd4j.gemm} into a preallocated result,
 * i.e. OpenBLAS sgemm/dgemm with nothing of Nabla's in between (the {@code nd4j} backend measures
 * the same library through Nabla's API). {@code reference} runs in its own method on the problems
 * a scalar triple loop finishes in well under a second, on one thread (it has no other).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {BenchmarkJvm.VECTOR_MODULE, BenchmarkJvm.HEAP, BenchmarkJvm.OFF_HEAP})
public class GemmBenchmark {

    /** What runs one GEMM call. */
    interface Subject extends AutoCloseable {
        void gemm();

        String description();

        @Override
        void close();
    }

    /** A, B and C of one problem, filled with seeded uniform values, on the subject under test. */
    public abstract static class GemmState {
        Subject subject;

        abstract String backend();

        abstract String problem();

        abstract String threads();

        abstract String dtype();

        @Setup(Level.Trial)
        public void setUp() {
            GemmProblem p = GemmProblem.parse(problem());
            int threadCount = threadCount(threads());
            DType dtype = DType.parse(dtype());
            subject = Subjects.gemm(backend(), p, dtype, threadCount);
            subject.gemm();
            System.out.println("# subject: " + backend() + " = " + subject.description() + "; problem "
                    + p.describe() + " " + dtype + ", " + threadCount + " thread(s)");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (subject != null) {
                subject.close();
            }
        }
    }

    static int threadCount(String threads) {
        if (threads.equals("all")) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n = Integer.parseInt(threads.trim());
        if (n <= 0) {
            throw new IllegalArgumentException("threads must be 'all' or a positive count, got " + threads);
        }
        return n;
    }

    /** Uniform values in [-1, 1) from a seed: the same operands for every subject. */
    static double[] operand(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[size];
        for (int i = 0; i < values.length; i++) {
            values[i] = 2 * random.nextDouble() - 1;
        }
        return values;
    }

    /** The fast backends and the OpenBLAS yardstick, on every problem, one thread and all cores. */
    @State(Scope.Benchmark)
    public static class Fast extends GemmState {
        @Param({"cpu", "nd4j", "openblas"})
        public String backend;
        @Param({"256", "512", "1024", "2048",
                "mnist-l1-fwd", "mnist-l1-wgrad", "mnist-l2-bwd", "wide-l2-fwd", "wide-l2-wgrad", "wide-l2-bwd"})
        public String problem;
        @Param({"1", "all"})
        public String threads;
        @Param("float32")
        public String dtype;

        @Override String backend() { return backend; }
        @Override String problem() { return problem; }
        @Override String threads() { return threads; }
        @Override String dtype() { return dtype; }
    }

    /** The scalar oracle, for scale, where one call takes well under a second. */
    @State(Scope.Benchmark)
    public static class Reference extends GemmState {
        @Param("reference")
        public String backend;
        @Param({"256", "512", "mnist-l1-fwd", "mnist-l1-wgrad", "mnist-l2-bwd"})
        public String problem;
        @Param("1")
        public String threads;
        @Param("float32")
        public String dtype;

        @Override String backend() { return backend; }
        @Override String problem() { return problem; }
        @Override String threads() { return threads; }
        @Override String dtype() { return dtype; }
    }

    @Benchmark
    public Subject gemm(Fast s) {
        s.subject.gemm();
        return s.subject;
    }

    @Benchmark
    public Subject referenceGemm(Reference s) {
        s.subject.gemm();
        return s.subject;
    }

    /** GEMM through a Nabla backend's public {@link Backend#gemm}. */
    static final class NablaGemm implements Subject {
        private final Backend backend;
        private final GemmProblem problem;
        private final Tensor a;
        private final Tensor b;
        private final Tensor c;

        NablaGemm(Backend backend, GemmProblem problem, DType dtype) {
            this.backend = backend;
            this.problem = problem;
            a = backend.zeros(dtype, problem.aRows(), problem.aCols());
            b = backend.zeros(dtype, problem.bRows(), problem.bCols());
            c = backend.zeros(dtype, problem.m, problem.n);
            backend.copyFromHost(operand(a.size(), 1), a);
            backend.copyFromHost(operand(b.size(), 2), b);
        }

        @Override
        public void gemm() {
            backend.gemm(problem.transA, problem.transB, 1.0, a, b, 0.0, c);
        }

        @Override
        public String description() {
            return backend.description();
        }

        @Override
        public void close() {
            backend.close();
        }
    }
}
