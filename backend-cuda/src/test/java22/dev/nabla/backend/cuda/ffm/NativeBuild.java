package dev.nabla.backend.cuda.ffm;

import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the test's native helpers with g++ into target/native, once per content: the host
 * emulator of the kernels (libnabla_emu) and the fake CUDA driver (libfakecuda). A test that needs
 * one is skipped, with the reason, where g++ is missing.
 */
final class NativeBuild {
    private NativeBuild() {
    }

    static Path cudaSources() {
        return Paths.get(System.getProperty("nabla.cuda.source.dir", "src/main/cuda"));
    }

    static Path testSources() {
        return cudaSources().resolve("../../test/cuda").normalize();
    }

    private static Path outputDir() {
        return Paths.get(System.getProperty("nabla.cuda.build.dir", "target"), "native");
    }

    static String gxx() {
        String gxx = System.getenv().getOrDefault("CXX", "g++");
        try {
            Process p = new ProcessBuilder(gxx, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return gxx;
            }
        } catch (IOException e) {
            // below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new TestAbortedException("g++ is not available (" + gxx + "): the host build of the kernels cannot be made");
    }

    /** The host emulator of nabla_kernels.cu. */
    static synchronized Path emulator() {
        Path src = cudaSources();
        return build("nabla_emu", src, src.resolve("host/emu_device.cpp"), List.of("-I" + src), src);
    }

    /** The fake libcuda of the probe tests (it includes the emulator and cuda.h). */
    static synchronized Path fakeDriver(Path cudaInclude) {
        Path src = testSources();
        return build("fakecuda", src, src.resolve("fake_libcuda.cpp"),
                List.of("-I" + cudaInclude, "-I" + cudaSources()), cudaSources());
    }

    private static Path build(String name, Path dir, Path main, List<String> flags, Path alsoHashed) {
        String gxx = gxx();
        try {
            String hash = hash(dir) + hash(alsoHashed).substring(0, 8);
            Path out = outputDir().resolve("lib" + name + "-" + hash + ".so");
            if (Files.isRegularFile(out)) {
                return out;
            }
            Files.createDirectories(outputDir());
            Path tmp = outputDir().resolve("lib" + name + "-" + hash + ".tmp");
            List<String> cmd = new ArrayList<>(List.of(gxx, "-std=c++17", "-O2", "-fno-strict-aliasing", "-Wall",
                    "-Wno-unknown-pragmas", "-shared", "-fPIC"));
            cmd.addAll(flags);
            cmd.addAll(List.of("-o", tmp.toString(), main.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("g++ failed to build " + name + ":\n" + log);
            }
            Files.move(tmp, out);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("building " + name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building " + name, e);
        }
    }

    /** A digest of every source file under dir, so a changed kernel means a fresh build. */
    private static String hash(Path dir) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(Files::isRegularFile)
                        .filter(f -> f.toString().matches(".*\\.(cu|cuh|h|cpp)$")).sorted().toList();
            }
            for (Path f : files) {
                md.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
