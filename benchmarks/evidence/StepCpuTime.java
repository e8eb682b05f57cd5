import dev.nabla.bench.SgdStep;
import dev.nabla.bench.Workload;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Times the benchmark's SGD step on one backend thread by this thread's CPU time, not the wall
 * clock: with {@code -Dnabla.threads=1} the cpu backend runs every kernel inline on the caller, so
 * CPU time excludes the time other processes on a shared machine take from it. Prints the median
 * samples per CPU-second of the rounds and the rounds themselves.
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -Dnabla.threads=1 -cp benchmarks/target/benchmarks.jar \
 *      benchmarks/evidence/StepCpuTime.java cpu mnist 128 float32 [warmup-s] [rounds] [round-s]
 * </pre>
 */
public final class StepCpuTime {
    public static void main(String[] args) {
        String backendId = args[0];
        Workload workload = Workload.of(args[1], Integer.parseInt(args[2]), args[3]);
        double warmup = args.length > 4 ? Double.parseDouble(args[4]) : 5;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 7;
        double roundSeconds = args.length > 6 ? Double.parseDouble(args[6]) : 1;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Backend backend = Backends.create(backendId); SgdStep step = new SgdStep(backend, workload)) {
            long end = mx.getCurrentThreadCpuTime() + (long) (warmup * 1e9);
            double sink = 0;
            while (mx.getCurrentThreadCpuTime() < end) {
                sink += step.run();
            }
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long start = mx.getCurrentThreadCpuTime();
                long now;
                int n = 0;
                do {
                    sink += step.run();
                    n++;
                    now = mx.getCurrentThreadCpuTime();
                } while (now - start < roundSeconds * 1e9);
                rates[r] = n * (double) workload.batch() / ((now - start) / 1e9);
            }
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            StringBuilder all = new StringBuilder();
            for (double rate : rates) {
                all.append(all.length() == 0 ? "" : " ").append(Math.round(rate));
            }
            System.out.printf("%s %s b%d %s: %.0f samples per CPU-second (median of %d; rounds %s; sink %s)%n",
                    backendId, args[1], workload.batch(), args[3], sorted[rounds / 2], rounds, all,
                    Double.isFinite(sink) ? "finite" : "not finite");
        }
    }
}
