package dev.nabla.examples;

import dev.nabla.check.GradientCrossCheck;
import dev.nabla.data.Dataset;
import dev.nabla.nn.Network;
import dev.nabla.seeds.SyntheticTeacher;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import dev.nabla.train.TrainingResult;
import dev.nabla.train.TrainingRun;

import java.util.ArrayList;
import java.util.List;

/**
 * The same code on two backends: one network's gradients compared tensor by tensor (they agree to
 * the cross-check tolerance, not bit for bit), then the same training run on each backend, chosen
 * by id only. Run with backend ids as arguments to compare others, e.g. {@code reference nd4j}.
 */
public class BackendSwap {
    public static void main(String[] args) throws Exception {
        List<String> ids = args.length > 0 ? List.of(args) : List.of("reference", "cpu");
        List<Backend> backends = new ArrayList<>();
        try {
            for (String id : ids) {
                backends.add(Backends.create(id));
            }
            GradientCrossCheck.Report report = GradientCrossCheck.run(backends, new int[] {30, 16, 4}, 25,
                    DType.FLOAT64, Loss.BCE, 7);
            for (GradientCrossCheck.Comparison c : report.comparisons()) {
                System.out.printf("%-18s %-9s differs from %s by %.1e (tolerance %.0e)%n", c.tensor(), c.backend(),
                        ids.get(0), c.relativeDifference(), c.tolerance());
            }
            System.out.println(report.passed() ? "gradients agree" : "gradients DIFFER");

            Dataset data = SyntheticTeacher.generate(3, 2000, 30, 12, 4);
            for (Backend backend : backends) {
                try (Network net = Network.builder().layers(30, 16, 4).seed(5).build(backend)) {
                    TrainingResult r = TrainingRun.builder().learningRate(2.0).batchSize(50).epochs(5).seed(9)
                            .build().fit(net, data);
                    System.out.printf("%-9s trained 5 epochs: loss %.6f%n", backend.id(), r.last().loss());
                }
            }
            if (!report.passed()) {
                System.exit(1);
            }
        } finally {
            backends.forEach(Backend::close);
        }
    }
}
