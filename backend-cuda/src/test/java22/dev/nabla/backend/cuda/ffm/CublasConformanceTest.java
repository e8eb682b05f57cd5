package dev.nabla.backend.cuda.ffm;

import dev.nabla.conformance.BackendConformanceTest;
import dev.nabla.spi.Availability;
import dev.nabla.spi.BackendOptions;
import dev.nabla.spi.Backends;
import dev.nabla.tensor.Backend;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance suite on a real GPU with gemm=cublas (IEEE float32, no TF32). Skipped with the
 * reason where there is no usable GPU or no cuBLAS (libcublas.so.13 / .12).
 */
@ExtendWith(GpuCondition.WithCublas.class)
class CublasConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend createBackend() {
        Availability a = Backends.installed().provider("cuda").availability();
        assumeTrue(a.isAvailable(), "no usable GPU: " + a.reason());
        String cublas = Cublas.probe();
        assumeTrue(!cublas.startsWith("no cuBLAS"), cublas);
        return Backends.installed().create("cuda", BackendOptions.defaults().with("gemm", "cublas"));
    }
}
