package dev.nabla.backend.cuda.ffm;

import org.opentest4j.TestAbortedException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * src/test/cuda/fake_libcuda.cpp, built with g++ against this machine's cuda.h and bound by the
 * backend's own {@link Driver}: the driver calls of DriverGpu and CudaBackend go through the real
 * FFM bindings into functions the compiler checked against cuda.h, and kernels run in the emulator.
 */
final class FakeDriver {
    static final int SUCCESS = 0;
    static final int ERROR_STUB_LIBRARY = 34;
    static final int ERROR_NO_DEVICE = 100;
    static final int ERROR_NO_BINARY_FOR_GPU = 209;
    static final int ERROR_UNSUPPORTED_PTX_VERSION = 222;

    private static Driver driver;
    private static MethodHandle configure;

    private FakeDriver() {
    }

    static synchronized Driver driver() {
        if (driver == null) {
            Path include = DriverBindingTest.includeDir("cuda.h");
            if (include == null) {
                throw new TestAbortedException("no cuda.h here: the fake driver is built against it");
            }
            SymbolLookup lib = SymbolLookup.libraryLookup(NativeBuild.fakeDriver(include), Arena.global());
            configure = Linker.nativeLinker().downcallHandle(lib.find("fake_configure").orElseThrow(),
                    FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                            ADDRESS, JAVA_LONG));
            driver = Driver.bind(lib);
        }
        return driver;
    }

    /** Sets what the fake driver reports; resets its device memory. */
    static synchronized void configure(int initResult, int driverVersion, int deviceCount, int major, int minor, int sms,
                                       int moduleResult, String missingKernel, long memoryBytes) {
        driver();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment missing = missingKernel == null ? MemorySegment.NULL : arena.allocateFrom(missingKernel);
            configure.invokeExact(initResult, driverVersion, deviceCount, major, minor, sms, moduleResult, missing,
                    memoryBytes);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A healthy H100-like GPU: compute capability 9.0, 132 SMs, a CUDA 13.0 driver. */
    static void healthy(long memoryBytes) {
        configure(SUCCESS, 13000, 1, 9, 0, 132, SUCCESS, null, memoryBytes);
    }
}
