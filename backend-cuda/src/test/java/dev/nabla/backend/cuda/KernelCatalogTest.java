package dev.nabla.backend.cuda;

import dev.nabla.backend.cuda.KernelCatalog.Param;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launch contract: every extern "C" kernel of nabla_kernels.cu, as the C preprocessor expands
 * its macros, has exactly the parameters KernelCatalog declares, and the catalog lists nothing else.
 */
class KernelCatalogTest {
    private static final Pattern KERNEL = Pattern.compile("extern \"C\"\\s+void\\s+(nabla_\\w+)\\s*\\(([^)]*)\\)");

    /** The kernels' declarations after `g++ -E`, or a skipped test where g++ is missing. */
    static Map<String, List<Param>> preprocessedKernels() throws IOException, InterruptedException {
        Path src = Paths.get(System.getProperty("nabla.cuda.source.dir", "src/main/cuda"));
        Process p;
        try {
            p = new ProcessBuilder("g++", "-x", "c++", "-std=c++17", "-E", "-P", "-DNABLA_HOST_EMULATION", "-I" + src,
                    src.resolve("nabla_kernels.cu").toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "g++ is not available to preprocess the kernels: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "g++ -E timed out");
        assertEquals(0, p.exitValue(), "g++ -E failed:\n" + out);
        Map<String, List<Param>> kernels = new LinkedHashMap<>();
        Matcher m = KERNEL.matcher(out.replaceAll("\\s+", " "));
        while (m.find()) {
            List<Param> params = new ArrayList<>();
            for (String param : m.group(2).split(",")) {
                params.add(param(m.group(1), param.trim()));
            }
            if (kernels.put(m.group(1), params) != null) {
                fail("kernel " + m.group(1) + " is declared twice");
            }
        }
        return kernels;
    }

    static Param param(String kernel, String declaration) {
        if (declaration.contains("*")) {
            return Param.PTR;
        }
        String type = declaration.substring(0, declaration.lastIndexOf(' ')).replace("const", "").trim();
        switch (type) {
            case "int":
                return Param.I32;
            case "i64":
            case "long long":
                return Param.I64;
            case "double":
                return Param.F64;
            default:
                fail(kernel + ": parameter '" + declaration + "' has a type the catalog cannot express");
                return null;
        }
    }

    @Test
    void theCatalogIsTheKernelsDeclarations() throws IOException, InterruptedException {
        Map<String, List<Param>> source = preprocessedKernels();
        assertEquals(KernelCatalog.all().keySet(), source.keySet(), "kernel names");
        for (Map.Entry<String, List<Param>> e : source.entrySet()) {
            assertEquals(KernelCatalog.params(e.getKey()), e.getValue(), e.getKey() + ": parameters");
        }
        assertEquals(47, source.size());
    }

    @Test
    void namesFollowTheConvention() {
        assertEquals("nabla_gemm_f32_nt_l", KernelCatalog.gemm(dev.nabla.tensor.DType.FLOAT32, false, true,
                GemmPlanner.Tile.L));
        assertEquals("nabla_gemm_f64_tn_s", KernelCatalog.gemm(dev.nabla.tensor.DType.FLOAT64, true, false,
                GemmPlanner.Tile.S));
        assertEquals("nabla_sgd_f64", KernelCatalog.typed("sgd", dev.nabla.tensor.DType.FLOAT64));
        assertEquals("nabla_axpy(double, pointer, pointer, long long)".replace("nabla_axpy", "nabla_axpy_f32"),
                KernelCatalog.declaration("nabla_axpy_f32"));
    }
}
