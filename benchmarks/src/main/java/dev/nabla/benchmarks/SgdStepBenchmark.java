package dev.nabla.benchmarks;

import dev.nabla.bench.TrainingStep;
import dev.nabla.bench.Workload;
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

import java.util.concurrent.TimeUnit;

/**
 * One full mini-batch SGD step (forward, MSE loss, backward, plain-SGD update) per operation, for
 * every backend and the DL4J peer: score = steps/s, so samples/s = score x batch (the report does
 * this). The network and its resident batch are built in the trial set-up, outside the measurement;
 * the step's loss is returned so JMH consumes it.
 *
 * <p>One benchmark method per network shape, each with its own defaults for {@code layers},
 * {@code batch}, {@code dtype} and {@code backend}; any of them can be overridden from the command
 * line, e.g. {@code java -jar benchmarks.jar 'SgdStepBenchmark.mnist$' -p batch=64,256}. JMH runs
 * every combination in its own fork, so each backend (and each DL4J thread setting) has a JVM to
 * itself, as ND4J needs.
 *
 * <p>{@code torch} is PyTorch eager on the CPU at its default threads (one per core), run by
 * {@code benchmarks/peers/torch_step.py} in a Python process of its own (see {@link TorchStep});
 * where no Python with torch is found it is skipped with the reason.
 *
 * <p>{@code reference} is left out of {@code wide}: one scalar step there is 36.5 GFLOP of GEMM, about
 * a minute at the ~0.6 GFLOP/s the scalar loops reach (mnist b1024, busy machine), so each of its
 * iterations would last a minute.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {BenchmarkJvm.VECTOR_MODULE, BenchmarkJvm.HEAP, BenchmarkJvm.OFF_HEAP})
public class SgdStepBenchmark {

    /** The step under test; subclasses supply the workload's parameters and defaults. */
    public abstract static class StepState {
        private TrainingStep step;

        abstract String backend();

        abstract String layers();

        abstract int batch();

        abstract String dtype();

        @Setup(Level.Trial)
        public void setUp() {
            Workload workload = Workload.of(layers(), batch(), dtype());
            step = Subjects.sgdStep(backend(), workload);
            double loss = step.run();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException(backend() + " gave a non-finite loss " + loss + " on " + workload);
            }
            // Goes to the JMH log: which library, threads and versions produced the numbers.
            System.out.println("# subject: " + backend() + " = " + step.description() + "; workload " + workload);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (step != null) {
                step.close();
            }
        }

        final double run() {
            return step.run();
        }
    }

    /** Seed 002's 1-1-1 network at batch 1: per-call overhead. */
    @State(Scope.Benchmark)
    public static class Tiny extends StepState {
        @Param({"reference", "cpu", "nd4j", "dl4j-omp1-blas1", "dl4j-omp1-blasall", "torch"})
        public String backend;
        @Param("tiny")
        public String layers;
        @Param("1")
        public int batch;
        @Param("float32")
        public String dtype;

        @Override String backend() { return backend; }
        @Override String layers() { return layers; }
        @Override int batch() { return batch; }
        @Override String dtype() { return dtype; }
    }

    /** 784-256-256-10, an MNIST-sized network, at three batch sizes. */
    @State(Scope.Benchmark)
    public static class Mnist extends StepState {
        @Param({"reference", "cpu", "nd4j", "dl4j-omp1-blas1", "dl4j-omp1-blasall", "torch"})
        public String backend;
        @Param("mnist")
        public String layers;
        @Param({"32", "128", "1024"})
        public int batch;
        @Param("float32")
        public String dtype;

        @Override String backend() { return backend; }
        @Override String layers() { return layers; }
        @Override int batch() { return batch; }
        @Override String dtype() { return dtype; }
    }

    /** The MNIST network in float64 at batch 128. */
    @State(Scope.Benchmark)
    public static class MnistFloat64 extends StepState {
        @Param({"reference", "cpu", "nd4j", "dl4j-omp1-blas1", "dl4j-omp1-blasall", "torch"})
        public String backend;
        @Param("mnist")
        public String layers;
        @Param("128")
        public int batch;
        @Param("float64")
        public String dtype;

        @Override String backend() { return backend; }
        @Override String layers() { return layers; }
        @Override int batch() { return batch; }
        @Override String dtype() { return dtype; }
    }

    /** 1024-4096-4096-1024 at batch 256: GEMM-bound, the shape that shows distance from the hardware. */
    @State(Scope.Benchmark)
    public static class Wide extends StepState {
        @Param({"cpu", "nd4j", "dl4j-omp1-blas1", "dl4j-omp1-blasall", "torch"})
        public String backend;
        @Param("wide")
        public String layers;
        @Param("256")
        public int batch;
        @Param("float32")
        public String dtype;

        @Override String backend() { return backend; }
        @Override String layers() { return layers; }
        @Override int batch() { return batch; }
        @Override String dtype() { return dtype; }
    }

    @Benchmark
    public double tiny(Tiny s) {
        return s.run();
    }

    @Benchmark
    public double mnist(Mnist s) {
        return s.run();
    }

    @Benchmark
    public double mnistFloat64(MnistFloat64 s) {
        return s.run();
    }

    @Benchmark
    public double wide(Wide s) {
        return s.run();
    }
}
