package dev.nabla.backend.cuda.ffm;

import dev.nabla.backend.cuda.CudaBridge;
import dev.nabla.backend.cuda.CudaOptions;
import dev.nabla.backend.cuda.Fatbin;
import dev.nabla.spi.Availability;
import dev.nabla.tensor.Backend;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Java 22 half's entry point, loaded by name by {@code CudaProvider} on Java 22+ JVMs. Opens
 * each GPU once per JVM (driver, context, kernels) and keeps the outcome: the open GPU, or the one
 * line that says why it cannot be used.
 */
public final class CudaRuntime implements CudaBridge {
    private static final Map<Integer, Object> OPENED = new HashMap<>();
    private static Object driver;

    public CudaRuntime() {
    }

    /** Why there is no GPU to use when the machine simply has none (no driver, no device): no warning is due. */
    record Absent(String reason) {
    }

    @Override
    public Availability probe(CudaOptions options) {
        Object gpu = open(options.device());
        if (gpu instanceof Absent absent) {
            return Availability.absent(absent.reason());
        }
        return gpu instanceof String reason ? Availability.unavailable(reason) : Availability.available();
    }

    @Override
    public Backend create(CudaOptions options) {
        Object gpu = open(options.device());
        if (gpu instanceof Absent absent) {
            throw new IllegalStateException("backend 'cuda' is unavailable: " + absent.reason());
        }
        if (gpu instanceof String reason) {
            throw new IllegalStateException("backend 'cuda' is unavailable: " + reason);
        }
        return new CudaBackend((DriverGpu) gpu, options);
    }

    /** The open GPU of this ordinal, or why there is none. */
    static synchronized Object open(int ordinal) {
        Object known = OPENED.get(ordinal);
        if (known != null) {
            return known;
        }
        Object result;
        Object d = driver();
        if (d instanceof String || d instanceof Absent) {
            result = d;
        } else {
            try {
                result = DriverGpu.open((Driver) d, ordinal, Fatbin.packaged());
            } catch (DriverGpu.Unusable e) {
                result = e.absent ? new Absent(e.getMessage()) : e.getMessage();
            } catch (IOException | RuntimeException e) {
                result = "opening GPU " + ordinal + " failed: " + e;
            }
        }
        OPENED.put(ordinal, result);
        return result;
    }

    /** The bound driver, or why it cannot be loaded. Only looks the library up: nothing is called here. */
    static synchronized Object driver() {
        if (driver == null) {
            driver = loadDriver(System.getProperty("os.name", "?"));
        }
        return driver;
    }

    static Object loadDriver(String os) {
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return new Absent("the cuda backend runs on Linux (it calls libcuda.so.1); this is " + os);
        }
        try {
            return Driver.load();
        } catch (IllegalCallerException e) {
            return "the JVM does not allow native access: start it with --enable-native-access=ALL-UNNAMED (./nabla does)";
        } catch (Driver.MissingSymbolException e) {
            return "the NVIDIA driver is too old: " + e.getMessage() + " (the backend needs a driver for CUDA "
                    + DriverGpu.cudaVersion(DriverGpu.REQUIRED_DRIVER_VERSION) + "+)";
        } catch (IllegalArgumentException e) {
            return new Absent("no NVIDIA driver: " + Driver.LIBRARY + " could not be loaded (" + e.getMessage() + ")");
        }
    }
}
