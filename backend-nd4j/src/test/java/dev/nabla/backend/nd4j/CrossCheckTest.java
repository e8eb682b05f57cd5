package dev.nabla.backend.nd4j;

import dev.nabla.check.GradientCrossCheck;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import dev.nabla.tensor.DType;
import dev.nabla.tensor.Loss;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reference, cpu and nd4j compute the same gradients, within docs/design.md's tolerances. */
class CrossCheckTest {
    @BeforeEach
    void nativeBuildOnly() {
        Flavour.assumeNative();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (Loss loss : Loss.values()) {
                cases.add(Arguments.of(dtype, loss, new int[] {8, 16, 4}, 16));
                cases.add(Arguments.of(dtype, loss, new int[] {37, 70, 29, 10}, 65));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} batch={3}")
    @MethodSource("cases")
    void threeBackendsAgree(DType dtype, Loss loss, int[] sizes, int batch) {
        List<Backend> backends = List.of(Backends.create("reference"), Backends.create("cpu"),
                Backends.create(Nd4jProvider.ID));
        try {
            GradientCrossCheck.Report report = GradientCrossCheck.run(backends, sizes, batch, dtype, loss, 7);
            assertEquals(List.of("reference", "cpu", "nd4j"), report.backends());
            // loss + weight and bias per layer, for each of the two other backends
            assertEquals(2 * (1 + 2 * (sizes.length - 1)), report.comparisons().size());
            for (GradientCrossCheck.Comparison c : report.comparisons()) {
                assertTrue(c.passed(), c.backend() + " " + c.tensor() + " differs by " + c.relativeDifference());
                assertTrue(c.relativeDifference() >= 0 && Double.isFinite(c.relativeDifference()));
            }
        } finally {
            backends.forEach(Backend::close);
        }
    }
}
