package dev.nabla.benchmarks;

import dev.nabla.bench.SgdStep;
import dev.nabla.bench.TrainingStep;
import dev.nabla.bench.Workload;
import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.BackendProvider;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;

import java.util.stream.Collectors;

/**
 * Turns a benchmark's {@code backend} parameter into the thing measured: a Nabla backend found by id
 * through {@link Backends}, or a peer ({@code dl4j...} and {@code torch[-N]} for training,
 * {@code openblas} for GEMM).
 * An id that is not on the class path, or whose backend cannot run here, becomes a
 * {@link SkippedBenchmark} naming the reason.
 */
final class Subjects {
    /** GemmBenchmark's yardstick: ND4J's own gemm, i.e. OpenBLAS. */
    static final String OPENBLAS = "openblas";

    private Subjects() {
    }

    /** The GEMM subject {@code id}: the OpenBLAS yardstick or a Nabla backend on {@code threads} threads. */
    static GemmBenchmark.Subject gemm(String id, GemmProblem problem, DType dtype, int threads) {
        if (Dl4jThreads.isDl4j(id) || TorchStep.isTorch(id)) {
            throw new SkippedBenchmark("'" + id + "' is SgdStepBenchmark's training peer, not a GEMM subject: "
                    + "GemmBenchmark takes Nabla backend ids and 'openblas'");
        }
        if (id.equals(OPENBLAS)) {
            return new OpenBlasGemm(problem, dtype, threads);
        }
        return new GemmBenchmark.NablaGemm(backend(id, BackendOptions.defaults().withThreads(threads)), problem, dtype);
    }

    /** A Nabla backend by id, with {@code options}. */
    static Backend backend(String id, BackendOptions options) {
        Backends installed = Backends.installed();
        BackendProvider provider = installed.providers().stream()
                .filter(p -> p.id().equals(id)).findFirst().orElse(null);
        if (provider == null) {
            throw new SkippedBenchmark("backend '" + id + "' is not on the benchmarks' class path (found: "
                    + installed.providers().stream().map(BackendProvider::id).collect(Collectors.joining(", "))
                    + "); add its module to benchmarks/pom.xml and rebuild");
        }
        Availability availability = provider.availability();
        if (!availability.isAvailable()) {
            throw new SkippedBenchmark("backend '" + id + "' is unavailable here: " + availability.reason());
        }
        return provider.create(options);
    }

    /** The SGD step of {@code workload} on the subject {@code id}: a Nabla backend at its default threads, or DL4J. */
    static TrainingStep sgdStep(String id, Workload workload) {
        if (id.equals(OPENBLAS)) {
            throw new SkippedBenchmark("'openblas' is GemmBenchmark's yardstick, not a training subject: "
                    + "SgdStepBenchmark takes Nabla backend ids, dl4j[-omp<N|all>][-blas<N|all>] and torch[-N]");
        }
        if (Dl4jThreads.isDl4j(id)) {
            Dl4jThreads threads = Dl4jThreads.parse(id);
            threads.apply();
            return new Dl4jStep(workload, threads);
        }
        if (TorchStep.isTorch(id)) {
            return new TorchStep(workload, id);
        }
        Backend backend = backend(id, BackendOptions.defaults());
        try {
            return new OwningStep(new SgdStep(backend, workload), backend);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** A step that closes its backend with it. */
    private static final class OwningStep implements TrainingStep {
        private final SgdStep step;
        private final Backend backend;

        OwningStep(SgdStep step, Backend backend) {
            this.step = step;
            this.backend = backend;
        }

        @Override
        public int batch() {
            return step.batch();
        }

        @Override
        public double run() {
            return step.run();
        }

        @Override
        public String description() {
            return step.description();
        }

        @Override
        public void close() {
            try {
                step.close();
            } finally {
                backend.close();
            }
        }
    }
}
