package dev.nabla.backend.cuda;

import dev.nabla.spi.BackendOptions;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code cuda} backend's options, parsed and checked. Each is a backend option
 * ({@code BackendOptions.with(key, value)}), else the system property {@code nabla.cuda.KEY}, else
 * the environment variable {@code NABLA_CUDA_KEY} (upper case, '-' as '_'), else its default:
 *
 * <ul>
 *   <li>{@code device}: the GPU's index, default 0.</li>
 *   <li>{@code gemm}: {@code own} (Nabla's kernels, the default) or {@code cublas} (cuBLAS's
 *       cublasSgemm/cublasDgemm, where libcublas.so.13 or .12 loads; the element-wise epilogues then
 *       run as separate kernels).</li>
 *   <li>{@code tf32}: {@code true} lets cuBLAS use TF32 tensor cores for float32 (10-bit mantissas:
 *       outside the project's float32 tolerances); only with {@code gemm=cublas}; default false.</li>
 *   <li>{@code gemm-tile} ({@code auto}, {@code l}, {@code m}, {@code s}) and {@code gemm-split}
 *       ({@code auto} or a count): force the own GEMM's plan, for tests and measurements.</li>
 * </ul>
 *
 * {@code threads} is ignored: the GPU decides its own parallelism. Any other key is refused.
 *
 * @param device the GPU's index (CUDA's device ordinal), at least 0
 * @param gemm whose GEMM runs the products
 * @param tf32 whether cuBLAS may use TF32 tensor cores for float32; needs {@link Gemm#CUBLAS}
 * @param tile the own GEMM's tile forced by {@code gemm-tile}, or null to let
 *     {@link GemmPlanner} choose per shape
 * @param splits the split-K count forced by {@code gemm-split}, or 0 to let the planner choose
 */
public record CudaOptions(int device, Gemm gemm, boolean tf32, GemmPlanner.Tile tile, int splits) {
    /** Whose GEMM computes the matrix products: the option {@code gemm}. */
    public enum Gemm {
        /** Nabla's own kernels, with the dense layers' epilogues fused: {@code gemm=own}, the default. */
        OWN,
        /** cuBLAS's cublasSgemm/cublasDgemm, where libcublas loads: {@code gemm=cublas}. */
        CUBLAS
    }

    static final List<String> KEYS = List.of("device", "gemm", "tf32", "gemm-tile", "gemm-split");

    /**
     * Checks the combination.
     *
     * @param device the GPU's index
     * @param gemm whose GEMM runs the products
     * @param tf32 whether cuBLAS may use TF32
     * @param tile the forced tile, or null
     * @param splits the forced split-K count, or 0
     * @throws IllegalArgumentException if {@code device} or {@code splits} is negative, or
     *     {@code tf32} is set without {@link Gemm#CUBLAS}
     */
    public CudaOptions {
        if (device < 0) {
            throw new IllegalArgumentException("cuda: device must be >= 0, got " + device);
        }
        if (tf32 && gemm != Gemm.CUBLAS) {
            throw new IllegalArgumentException("cuda: tf32=true needs gemm=cublas (Nabla's own GEMM is IEEE float32 only)");
        }
        if (splits < 0) {
            throw new IllegalArgumentException("cuda: gemm-split must be auto or a positive count, got " + splits);
        }
    }

    /**
     * The options with no backend option set. Not necessarily the built-in defaults: like
     * {@link #parse}, it reads the {@code nabla.cuda.*} system properties and {@code NABLA_CUDA_*}
     * environment variables.
     *
     * @return the options from the properties, the environment and the defaults
     * @throws IllegalArgumentException if a property or variable is malformed
     */
    public static CudaOptions defaults() {
        return parse(BackendOptions.defaults());
    }

    /**
     * Reads the options: each key from {@code options}, else its system property, else its
     * environment variable, else its default.
     *
     * @param options the backend options; only the keys listed in the class comment are accepted
     * @return the parsed options
     * @throws IllegalArgumentException naming the bad key or value and what is expected, for an
     *     unknown key or a malformed value
     */
    public static CudaOptions parse(BackendOptions options) {
        for (String key : options.extra().keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("cuda: unknown backend option '" + key + "' (known: " + KEYS + ")");
            }
        }
        Map<String, String> extra = options.extra();
        int device = parseInt("device", lookup(extra, "device", "0"));
        String gemmText = lookup(extra, "gemm", "own").trim().toLowerCase(Locale.ROOT);
        Gemm gemm = switch (gemmText) {
            case "own" -> Gemm.OWN;
            case "cublas" -> Gemm.CUBLAS;
            default -> throw new IllegalArgumentException("cuda: gemm must be own or cublas, got '" + gemmText + "'");
        };
        String tf32Text = lookup(extra, "tf32", "false").trim().toLowerCase(Locale.ROOT);
        if (!tf32Text.equals("true") && !tf32Text.equals("false")) {
            throw new IllegalArgumentException("cuda: tf32 must be true or false, got '" + tf32Text + "'");
        }
        String tileText = lookup(extra, "gemm-tile", "auto").trim().toLowerCase(Locale.ROOT);
        GemmPlanner.Tile tile = tileText.equals("auto") ? null : GemmPlanner.Tile.parse(tileText);
        String splitText = lookup(extra, "gemm-split", "auto").trim().toLowerCase(Locale.ROOT);
        int splits = splitText.equals("auto") ? 0 : parseInt("gemm-split", splitText);
        if (!splitText.equals("auto") && splits <= 0) {
            throw new IllegalArgumentException("cuda: gemm-split must be auto or a positive count, got " + splitText);
        }
        return new CudaOptions(device, gemm, tf32Text.equals("true"), tile, splits);
    }

    private static String lookup(Map<String, String> extra, String key, String fallback) {
        String v = extra.get(key);
        if (v == null || v.isBlank()) {
            v = System.getProperty("nabla.cuda." + key);
        }
        if (v == null || v.isBlank()) {
            v = System.getenv("NABLA_CUDA_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    private static int parseInt(String key, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cuda: " + key + " must be an integer, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return "device " + device + ", gemm " + gemm.name().toLowerCase(Locale.ROOT) + (tf32 ? " (tf32)" : "")
                + (tile != null ? ", tile " + tile.code() : "") + (splits > 0 ? ", split " + splits : "");
    }
}
