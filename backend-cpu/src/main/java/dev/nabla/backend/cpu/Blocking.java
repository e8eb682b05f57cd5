package dev.nabla.backend.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cache-blocking sizes of the packed GEMM, in elements, derived from the machine's cache sizes.
 *
 * <p>KC: the A micro-panel (MR rows x KC, reused by the kernel for every B micro-panel of a block)
 * takes a quarter of the L1 data cache in float32 (the same KC, so half, in float64); B micro-panels
 * stream past it. NC: the packed B block (KC x NC) fills L2. MC bounds the packed A block (only
 * packed when A is transposed or scaled), a quarter of L3. On a 48 KB L1d / 1 MB L2 core that is
 * KC 256 and NC 1024 floats (512 doubles), the sizes measured best before on the Intel dev machine;
 * on the AMD EPYC dev machine (one core, CPU time, alternating in one JVM) KC x NC = 256 x 1024 was
 * the best or within 3% of it on wide's and MNIST b1024's products against 512 x 512, 512 x 256 and
 * 384 x 768 (512 x 256 lost 20% on the weight gradient). Blocking never changes a result (every
 * element of C is the same fma chain over k whatever the blocks), only the speed.
 *
 * <p>The sizes come from Linux's /sys/devices/system/cpu/cpu0/cache, else from {@code getconf -a}
 * (glibc reads CPUID; firecracker VMs have no cache directory in sysfs), else {@link CacheSizes#FALLBACK}.
 * {@code -Dnabla.cpu.blocking=KC,MC,NC} overrides them.
 */
final class Blocking {
    static final Blocking FLOAT = forElementSize(4, CacheSizes.detected());
    static final Blocking DOUBLE = forElementSize(8, CacheSizes.detected());

    final int kc;
    final int mc;
    final int nc;

    Blocking(int kc, int mc, int nc) {
        this.kc = kc;
        this.mc = mc;
        this.nc = nc;
    }

    /** The blocking for elements of {@code bytes} bytes on a machine with these caches (or the override). */
    static Blocking forElementSize(int bytes, CacheSizes caches) {
        String override = System.getProperty("nabla.cpu.blocking");
        if (override != null && !override.isBlank()) {
            String[] p = override.split(",");
            if (p.length != 3) {
                throw new IllegalArgumentException("-Dnabla.cpu.blocking must be KC,MC,NC, got " + override);
            }
            return new Blocking(Integer.parseInt(p[0].trim()), Sgemm.roundUp(Integer.parseInt(p[1].trim()), Sgemm.MR),
                    Sgemm.roundUp(Integer.parseInt(p[2].trim()), Sgemm.NR));
        }
        int kc = (int) clamp(caches.l1d / (4L * Sgemm.MR * Float.BYTES) / 32 * 32, 128, 512);
        int nc = (int) clamp(caches.l2 / ((long) kc * bytes) / Sgemm.NR * Sgemm.NR, 4L * Sgemm.NR, 4096);
        int mc = (int) clamp(caches.l3 / (4L * kc * bytes) / Sgemm.MR * Sgemm.MR, 16L * Sgemm.MR, 4080);
        return new Blocking(kc, mc, nc);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public String toString() {
        return "KC=" + kc + " MC=" + mc + " NC=" + nc;
    }

    /** L1 data, L2 and L3 sizes in bytes (per core for L1 and L2), and where they were read from. */
    static final class CacheSizes {
        /** When nothing can be read: a 32 KB L1d, 1 MB L2 and 8 MB L3 (common x86 server cores). */
        static final CacheSizes FALLBACK = new CacheSizes(32 << 10, 1 << 20, 8 << 20, "defaults");
        private static volatile CacheSizes detected;

        final long l1d;
        final long l2;
        final long l3;
        final String source;

        CacheSizes(long l1d, long l2, long l3, String source) {
            this.l1d = l1d;
            this.l2 = l2;
            this.l3 = l3;
            this.source = source;
        }

        static CacheSizes detected() {
            CacheSizes c = detected;
            if (c == null) {
                c = fromSysfs(Paths.get("/sys/devices/system/cpu/cpu0/cache"));
                if (c == null) {
                    c = fromGetconf();
                }
                detected = c = c != null ? c : FALLBACK;
            }
            return c;
        }

        /** The level, type and size files of each index directory under {@code dir}; null without L1d and L2. */
        static CacheSizes fromSysfs(Path dir) {
            long l1d = 0;
            long l2 = 0;
            long l3 = 0;
            if (!Files.isDirectory(dir)) {
                return null;
            }
            try (DirectoryStream<Path> indexes = Files.newDirectoryStream(dir, "index*")) {
                for (Path index : indexes) {
                    int level = Integer.parseInt(Files.readString(index.resolve("level")).trim());
                    String type = Files.readString(index.resolve("type")).trim();
                    long size = parseSize(Files.readString(index.resolve("size")).trim());
                    if (level == 1 && type.equals("Data")) {
                        l1d = size;
                    } else if (level == 2 && !type.equals("Instruction")) {
                        l2 = size;
                    } else if (level == 3) {
                        l3 = size;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return l1d > 0 && l2 > 0 ? new CacheSizes(l1d, l2, l3 > 0 ? l3 : 4 * l2, dir.toString()) : null;
        }

        /** {@code getconf -a}'s LEVEL1_DCACHE_SIZE, LEVEL2_CACHE_SIZE and LEVEL3_CACHE_SIZE; null if unavailable. */
        static CacheSizes fromGetconf() {
            try {
                Process p = new ProcessBuilder("getconf", "-a").redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    return null;
                }
                return parseGetconf(out);
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        static CacheSizes parseGetconf(String out) {
            long l1d = getconfValue(out, "LEVEL1_DCACHE_SIZE");
            long l2 = getconfValue(out, "LEVEL2_CACHE_SIZE");
            long l3 = getconfValue(out, "LEVEL3_CACHE_SIZE");
            return l1d > 0 && l2 > 0 ? new CacheSizes(l1d, l2, l3 > 0 ? l3 : 4 * l2, "getconf") : null;
        }

        private static long getconfValue(String out, String name) {
            Matcher m = Pattern.compile("(?m)^" + name + "\\s+(\\d+)\\s*$").matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }

        /** sysfs sizes: "48K", "1024K", "32768K", "2M". */
        static long parseSize(String s) {
            String t = s.toUpperCase(Locale.ROOT);
            long unit = t.endsWith("K") ? 1 << 10 : t.endsWith("M") ? 1 << 20 : t.endsWith("G") ? 1L << 30 : 1;
            return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
        }

        @Override
        public String toString() {
            return "L1d " + (l1d >> 10) + " KB, L2 " + (l2 >> 10) + " KB, L3 " + (l3 >> 20) + " MB (" + source + ")";
        }
    }
}
