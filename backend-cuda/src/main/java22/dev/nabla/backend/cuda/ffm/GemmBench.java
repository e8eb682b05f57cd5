package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.GemmPlanner;
import dev.nabla.backend.cuda.GpuPeaks;
import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The GEMM benchmark of issue 12, for benchmarks/gpu/run.sh: {@code Backend.gemm} on the GPU, timed
 * with CUDA events on the backend's stream, in TFLOP/s and % of the GPU's non-tensor-core peak
 * ({@link GpuPeaks}), for the own kernels (as planned, and with every tile and split forced on the
 * big shapes, to calibrate {@link GemmPlanner}) and for cuBLAS where it loads. Every timed product
 * is also checked: 16 entries of C against float64 host sums, as a fraction of the error bound the
 * conformance suite allows ((k + 3) u sum |a b|).
 *
 * <p>{@code java ... dev.nabla.backend.cuda.ffm.GemmBench [--quick | --small | --cublas-probe]}: {@code --quick} skips the
 * tile sweep, {@code --small} measures the small shapes only (run.sh's rehearsal on the fake
 * driver), {@code --cublas-probe} only says whether a cuBLAS loads (exit 0) or not (exit 1); exit
 * code 2 with the reason when the cuda backend is unavailable.
 */
public final class GemmBench {
    /** One product: C [m, n] = op(A) op(B), with K = k. */
    public record Shape(String label, int m, int n, int k, boolean transA, boolean transB) {
        double flops() {
            return 2.0 * m * n * k;
        }

        String ops() {
            return (transA ? "t" : "n") + (transB ? "t" : "n");
        }
    }

    /** Issue 12's shapes: the square one and a wide layer's three products at batch 256. */
    public static final List<Shape> BIG = List.of(
            new Shape("4096^3", 4096, 4096, 4096, false, false),
            new Shape("X W^T 256x4096x4096", 256, 4096, 4096, false, true),
            new Shape("delta^T A 4096x4096x256", 4096, 4096, 256, true, false),
            new Shape("delta W 256x4096x4096", 256, 4096, 4096, false, false));

    /** Small products: per-call cost, and the mnist b128 layer's three products. */
    public static final List<Shape> SMALL = List.of(
            new Shape("1x1x1", 1, 1, 1, false, true),
            new Shape("128x256x256", 128, 256, 256, false, true),
            new Shape("mnist X W^T 128x256x784", 128, 256, 784, false, true),
            new Shape("mnist delta^T A 256x784x128", 256, 784, 128, true, false),
            new Shape("mnist delta W 128x784x256", 128, 784, 256, false, false));

    private final PrintStream out;
    private final double minSeconds;
    private final SplittableRandom random = new SplittableRandom(12);

    GemmBench(PrintStream out, double minSeconds) {
        this.out = out;
        this.minSeconds = minSeconds;
    }

    public static void main(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        boolean small = List.of(args).contains("--small");
        if (List.of(args).contains("--cublas-probe")) {
            String probe = Cublas.probe();
            System.out.println(probe);
            System.exit(probe.startsWith("no cuBLAS") ? 1 : 0);
        }
        Availability a = Backends.installed().provider("cuda").availability();
        if (!a.isAvailable()) {
            System.out.println("no GPU: the cuda backend is unavailable: " + a.reason());
            System.exit(2);
        }
        GemmBench bench = new GemmBench(System.out, 0.2);
        try (CudaBackend own = (CudaBackend) Backends.create("cuda")) {
            bench.header(own);
            CudaBackend cublas = null;
            try {
                cublas = (CudaBackend) Backends.installed().create("cuda", BackendOptions.defaults().with("gemm", "cublas"));
                System.out.println("cuBLAS: " + cublas.description());
            } catch (RuntimeException e) {
                System.out.println("cuBLAS: not measured: " + e.getMessage());
            }
            try {
                for (DType dtype : DType.values()) {
                    if (!small) {
                        bench.compare(own, cublas, BIG, dtype);
                    }
                    bench.compare(own, cublas, SMALL, dtype);
                }
                if (!quick && !small) {
                    for (DType dtype : DType.values()) {
                        bench.sweep(BIG, dtype);
                    }
                }
            } finally {
                if (cublas != null) {
                    cublas.close();
                }
            }
        }
    }

    private double peak(CudaBackend b, DType dtype) {
        if (b.gpu() instanceof DriverGpu g && g.clockKhz() > 0) {
            return GpuPeaks.peakFlops(dtype == DType.FLOAT64, g.computeMajor(), g.computeMinor(), g.multiprocessors(),
                    g.clockKhz() * 1e3);
        }
        return Double.NaN;
    }

    void header(CudaBackend b) {
        out.println("GPU: " + b.gpu().describe());
        if (b.gpu() instanceof DriverGpu g) {
            out.printf(Locale.ROOT, "clock %.2f GHz; peak without tensor cores: float32 %.1f TFLOP/s, float64 %.1f TFLOP/s%n",
                    g.clockKhz() / 1e6, peak(b, DType.FLOAT32) / 1e12, peak(b, DType.FLOAT64) / 1e12);
        }
    }

    /** The own GEMM as planned, and cuBLAS, on each shape. */
    void compare(CudaBackend own, CudaBackend cublas, List<Shape> shapes, DType dtype) {
        out.printf(Locale.ROOT, "%n%-30s %-4s %-24s %10s %10s %8s %s%n", "gemm " + dtype, "op", "plan", "ms", "TFLOP/s",
                "% peak", "error/bound");
        for (Shape s : shapes) {
            HostOperands h = new HostOperands(s, dtype);
            GemmPlanner.Plan plan = own.gemmPlan(dtype, s.m(), s.n(), s.k());
            report(s, dtype, "own " + plan.tile().code() + " x" + plan.splits(), time(own, s, dtype, h), own);
            if (cublas != null) {
                report(s, dtype, "cuBLAS", time(cublas, s, dtype, h), own);
            }
        }
    }

    /** Every tile and split forced on each shape: what GemmPlanner's efficiencies should be. */
    void sweep(List<Shape> shapes, DType dtype) {
        out.printf(Locale.ROOT, "%ntile sweep, %s (the planner's pick is marked *)%n", dtype);
        for (Shape s : shapes) {
            HostOperands h = new HostOperands(s, dtype);
            for (GemmPlanner.Tile tile : GemmPlanner.Tile.values()) {
                for (int splits : new int[] {1, 2, 4, 8}) {
                    try (CudaBackend b = (CudaBackend) Backends.installed().create("cuda", BackendOptions.defaults()
                            .with("gemm-tile", tile.code()).with("gemm-split", Integer.toString(splits)))) {
                        GemmPlanner.Plan forced = b.gemmPlan(dtype, s.m(), s.n(), s.k());
                        GemmPlanner.Plan auto = GemmPlanner.plan(dtype, s.m(), s.n(), s.k(), b.gpu().multiprocessors());
                        boolean pick = forced.tile() == auto.tile() && forced.splits() == auto.splits();
                        report(s, dtype, (pick ? "*" : " ") + "tile " + tile.code() + " x" + forced.splits(),
                                time(b, s, dtype, h), b);
                    }
                }
            }
        }
    }

    private void report(Shape s, DType dtype, String what, double[] t, CudaBackend b) {
        double tflops = s.flops() / (t[0] * 1e-3) / 1e12;
        out.printf(Locale.ROOT, "%-30s %-4s %-24s %10.3f %10.2f %8.1f %.3f%n", s.label(), s.ops(), what, t[0], tflops,
                100 * tflops * 1e12 / peak(b, dtype), t[1]);
        out.flush();
    }

    /** Random operands in [-1, 1), already rounded to the dtype. */
    private final class HostOperands {
        final double[] a;
        final double[] b;

        HostOperands(Shape s, DType dtype) {
            a = values(s.m() * s.k(), dtype);
            b = values(s.k() * s.n(), dtype);
        }

        private double[] values(int n, DType dtype) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                double x = random.nextDouble(-1, 1);
                v[i] = dtype == DType.FLOAT32 ? (float) x : x;
            }
            return v;
        }
    }

    /** {milliseconds per product, largest error of 16 checked entries relative to its bound}. */
    double[] time(CudaBackend backend, Shape s, DType dtype, HostOperands h) {
        int aRows = s.transA() ? s.k() : s.m();
        int aCols = s.transA() ? s.m() : s.k();
        int bRows = s.transB() ? s.n() : s.k();
        int bCols = s.transB() ? s.k() : s.n();
        try (Tensor a = backend.zeros(dtype, aRows, aCols); Tensor b = backend.zeros(dtype, bRows, bCols);
             Tensor c = backend.zeros(dtype, s.m(), s.n())) {
            backend.copyFromHost(h.a, a);
            backend.copyFromHost(h.b, b);
            Gpu gpu = backend.gpu();
            long start = gpu.createEvent();
            long end = gpu.createEvent();
            try {
                backend.gemm(s.transA(), s.transB(), 1.0, a, b, 0.0, c); // warm-up
                int iterations = 1;
                double ms;
                for (;;) {
                    gpu.recordEvent(start, backend.stream());
                    for (int i = 0; i < iterations; i++) {
                        backend.gemm(s.transA(), s.transB(), 1.0, a, b, 0.0, c);
                    }
                    gpu.recordEvent(end, backend.stream());
                    ms = gpu.elapsedMillis(start, end);
                    if (ms >= minSeconds * 1e3 || iterations >= 10_000) {
                        break;
                    }
                    iterations = (int) Math.min(10_000, Math.max(iterations * 2L,
                            (long) (iterations * minSeconds * 1e3 / Math.max(ms, 1e-3) * 1.2)));
                }
                return new double[] {ms / iterations, check(backend, s, dtype, h, c)};
            } finally {
                gpu.destroyEvent(start);
                gpu.destroyEvent(end);
            }
        }
    }

    private double check(Backend backend, Shape s, DType dtype, HostOperands h, Tensor c) {
        double[] got = backend.toHostDoubles(c);
        double worst = 0;
        for (int t = 0; t < 16; t++) {
            int i = random.nextInt(s.m());
            int j = random.nextInt(s.n());
            double sum = 0;
            double abs = 0;
            for (int p = 0; p < s.k(); p++) {
                double x = s.transA() ? h.a[p * s.m() + i] : h.a[i * s.k() + p];
                double y = s.transB() ? h.b[j * s.k() + p] : h.b[p * s.n() + j];
                sum += x * y;
                abs += Math.abs(x * y);
            }
            double bound = (s.k() + 3) * dtype.unitRoundoff() * abs;
            double err = Math.abs(got[i * s.n() + j] - sum);
            worst = Math.max(worst, bound == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : err / bound);
        }
        return worst;
    }

    /** For the tests: runs a comparison and a sweep on the given backends (small shapes only). */
    static List<String> rehearse(CudaBackend own, List<Shape> shapes) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        GemmBench bench = new GemmBench(ps, 0.0);
        bench.header(own);
        for (DType dtype : DType.values()) {
            bench.compare(own, null, shapes, dtype);
        }
        return new ArrayList<>(List.of(bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")));
    }
}
