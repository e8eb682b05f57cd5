package dev.nabla.backend.nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The GPUs' compute capabilities as the driver's own tool reports them. A fallback for when the CUDA
 * 11 runtime that nd4j-cuda-11.6 needs is not installed (a machine set up for CUDA 12 or 13): the
 * user then learns whether installing it would help, or whether the GPU is unsupported anyway.
 */
final class NvidiaSmi {
    private NvidiaSmi() {
    }

    /** {major, minor} per GPU, or empty if nvidia-smi is missing, fails, or takes over 10 s. */
    static Optional<List<int[]>> computeCapabilities() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(64 * 1024);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? parse(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Lines such as {@code 9.0}; empty if any line is not a compute capability. */
    static Optional<List<int[]>> parse(String output) {
        List<int[]> gpus = new ArrayList<>();
        for (String line : output.strip().split("\\R")) {
            String[] parts = line.strip().split("\\.");
            if (parts.length != 2) {
                return Optional.empty();
            }
            try {
                gpus.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return gpus.isEmpty() ? Optional.empty() : Optional.of(gpus);
    }
}
