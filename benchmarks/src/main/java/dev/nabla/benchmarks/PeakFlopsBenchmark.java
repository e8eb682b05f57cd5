package dev.nabla.benchmarks;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The machine's FMA peak as the JVM reaches it, the denominator of every "% of peak" in the report:
 * a Vector API loop of {@value #CHAINS} independent FMA chains at the preferred species (512-bit on
 * AVX-512), enough to cover the FMA latency times the FMA units (4 cycles x 2 units = 8 chains on
 * recent Intel cores). Each operation is exactly {@value #FLOPS} floating-point operations (an FMA
 * counts 2), whatever the vector width, so the score in ops/s is FLOP/s. One thread, and one per
 * core ({@code Threads.MAX}, JMH sums their throughput).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {BenchmarkJvm.VECTOR_MODULE})
@State(Scope.Thread)
public class PeakFlopsBenchmark {
    static final int CHAINS = 12;
    /** Divisible by 2 x lanes x CHAINS for every species from 64 to 512 bits. */
    static final int FLOPS = 2 * 16 * CHAINS * 2048;

    private static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLE = DoubleVector.SPECIES_PREFERRED;

    // Fields, not constants, so the JIT cannot fold the chains. x -> 0.999 x + 0.001 stays finite.
    float fa = 0.999f;
    float fb = 0.001f;
    double da = 0.999;
    double db = 0.001;

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(FLOPS)
    public float float32OneThread() {
        return fmaFloat();
    }

    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(FLOPS)
    public float float32AllThreads() {
        return fmaFloat();
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(FLOPS)
    public double float64OneThread() {
        return fmaDouble();
    }

    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(FLOPS)
    public double float64AllThreads() {
        return fmaDouble();
    }

    private float fmaFloat() {
        FloatVector a = FloatVector.broadcast(FLOAT, fa);
        FloatVector b = FloatVector.broadcast(FLOAT, fb);
        FloatVector c0 = FloatVector.broadcast(FLOAT, 0.01f);
        FloatVector c1 = FloatVector.broadcast(FLOAT, 0.02f);
        FloatVector c2 = FloatVector.broadcast(FLOAT, 0.03f);
        FloatVector c3 = FloatVector.broadcast(FLOAT, 0.04f);
        FloatVector c4 = FloatVector.broadcast(FLOAT, 0.05f);
        FloatVector c5 = FloatVector.broadcast(FLOAT, 0.06f);
        FloatVector c6 = FloatVector.broadcast(FLOAT, 0.07f);
        FloatVector c7 = FloatVector.broadcast(FLOAT, 0.08f);
        FloatVector c8 = FloatVector.broadcast(FLOAT, 0.09f);
        FloatVector c9 = FloatVector.broadcast(FLOAT, 0.10f);
        FloatVector c10 = FloatVector.broadcast(FLOAT, 0.11f);
        FloatVector c11 = FloatVector.broadcast(FLOAT, 0.12f);
        int iterations = FLOPS / (2 * FLOAT.length() * CHAINS);
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    private double fmaDouble() {
        DoubleVector a = DoubleVector.broadcast(DOUBLE, da);
        DoubleVector b = DoubleVector.broadcast(DOUBLE, db);
        DoubleVector c0 = DoubleVector.broadcast(DOUBLE, 0.01);
        DoubleVector c1 = DoubleVector.broadcast(DOUBLE, 0.02);
        DoubleVector c2 = DoubleVector.broadcast(DOUBLE, 0.03);
        DoubleVector c3 = DoubleVector.broadcast(DOUBLE, 0.04);
        DoubleVector c4 = DoubleVector.broadcast(DOUBLE, 0.05);
        DoubleVector c5 = DoubleVector.broadcast(DOUBLE, 0.06);
        DoubleVector c6 = DoubleVector.broadcast(DOUBLE, 0.07);
        DoubleVector c7 = DoubleVector.broadcast(DOUBLE, 0.08);
        DoubleVector c8 = DoubleVector.broadcast(DOUBLE, 0.09);
        DoubleVector c9 = DoubleVector.broadcast(DOUBLE, 0.10);
        DoubleVector c10 = DoubleVector.broadcast(DOUBLE, 0.11);
        DoubleVector c11 = DoubleVector.broadcast(DOUBLE, 0.12);
        int iterations = FLOPS / (2 * DOUBLE.length() * CHAINS);
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
