package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GEMM benchmark's code path (events, planning, the spot check), on the emulator with small shapes. */
class GemmBenchTest {
    @Test
    void measuresAndChecksEveryShape() {
        List<GemmBench.Shape> shapes = List.of(new GemmBench.Shape("odd 37x29x51", 37, 29, 51, true, false),
                new GemmBench.Shape("split 9x9x700", 9, 9, 700, false, true));
        try (CudaBackend own = new CudaBackend(new EmulatedGpu(8), CudaOptions.defaults(), null)) {
            List<String> lines = GemmBench.rehearse(own, shapes);
            assertTrue(lines.get(0).startsWith("GPU: host emulator"), lines.get(0));
            int rows = 0;
            for (String line : lines) {
                if (line.startsWith("odd") || line.startsWith("split")) {
                    rows++;
                    String[] f = line.trim().split("\\s+");
                    double errorOverBound = Double.parseDouble(f[f.length - 1]);
                    assertTrue(errorOverBound <= 1, line);
                    assertTrue(Double.parseDouble(f[f.length - 4]) > 0, "a time: " + line);
                }
            }
            assertEquals(4, rows, String.join("\n", lines));
        }
    }
}
