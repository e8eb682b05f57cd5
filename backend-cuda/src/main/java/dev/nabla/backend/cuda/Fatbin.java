package dev.nabla.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads the table of contents of an NVIDIA fat binary (what {@code cuobjdump --list-elf --list-ptx}
 * shows), without decompressing anything: which architectures it carries machine code (SASS, an
 * ELF cubin) for, and which it carries PTX for.
 *
 * <p>Layout (little-endian): a 16-byte header {magic 0xBA55ED50, u16 version 1, u16 header size,
 * u64 size of what follows}, then entries, each a header {u16 kind (1 PTX, 2 ELF), u16, u32 header
 * size, u32 payload size (padded to 8), u32, u32 stored size, u32, u32 code version (offset 24), u32 SM
 * architecture (28), u32, u32, u64 flags (40; 0x8000: compressed), ...} followed by its payload.
 *
 * <p>Internal to the {@code cuda} backend: public only because its Java 22 half (package
 * {@code dev.nabla.backend.cuda.ffm}) uses it. Not a stable API.
 */
public final class Fatbin {
    /** The magic number of a fat binary, its first 4 bytes little-endian. */
    public static final int MAGIC = 0xBA55ED50;
    /** The class-path resource holding the backend's kernels. */
    public static final String RESOURCE = "/dev/nabla/backend/cuda/nabla.fatbin";
    /**
     * The CUDA version (cuDriverGetVersion's form, 1000 major + 10 minor) a driver must support to
     * load the fatbin: nvcc 13.0 builds it, and its PTX is ISA 9.0 (FatbinTest checks both agree).
     */
    public static final int REQUIRED_DRIVER_VERSION = 13000;

    /** What an entry holds. */
    public enum Kind {
        /** PTX, the virtual ISA the driver compiles for the GPU at hand. */
        PTX,
        /** An ELF cubin: machine code (SASS) for one architecture. */
        ELF
    }

    /**
     * One entry of the table of contents.
     *
     * @param kind PTX or machine code
     * @param arch the SM architecture, 10 major + minor (e.g. 90 for sm_90 / compute_90)
     * @param compressed whether the payload is compressed
     * @param versionMajor the code version's major part (for PTX, the PTX ISA version)
     * @param versionMinor the code version's minor part
     * @param payloadBytes the payload's size in the file, padding included
     */
    public record Entry(Kind kind, int arch, boolean compressed, int versionMajor, int versionMinor, long payloadBytes) {
        @Override
        public String toString() {
            return (kind == Kind.PTX ? "compute_" : "sm_") + arch + (kind == Kind.PTX
                    ? " PTX (ISA " + versionMajor + "." + versionMinor + ")" : " SASS") + (compressed ? ", compressed" : "");
        }
    }

    private final List<Entry> entries;

    private Fatbin(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Parses a fat binary's table of contents. Entries of kinds other than PTX and ELF are skipped.
     *
     * @param bytes the whole file
     * @return its entries
     * @throws IllegalArgumentException naming what is malformed: no magic, a truncated file, an entry
     *     that overruns the data, or entries that do not end where the header says
     */
    public static Fatbin parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 16 || b.getInt(0) != MAGIC) {
            throw new IllegalArgumentException("not a fat binary: no 0xBA55ED50 magic");
        }
        int headerSize = Short.toUnsignedInt(b.getShort(6));
        long size = b.getLong(8);
        if (headerSize < 16 || headerSize + size > bytes.length) {
            throw new IllegalArgumentException("truncated fat binary: header says " + (headerSize + size) + " bytes, file has "
                    + bytes.length);
        }
        List<Entry> entries = new ArrayList<>();
        long end = headerSize + size;
        long off = headerSize;
        while (off + 64 <= end) {
            int at = (int) off;
            int kind = Short.toUnsignedInt(b.getShort(at));
            long entryHeader = Integer.toUnsignedLong(b.getInt(at + 4));
            long payload = Integer.toUnsignedLong(b.getInt(at + 8));
            int version = b.getInt(at + 24);
            int arch = b.getInt(at + 28);
            long flags = b.getLong(at + 40);
            if (entryHeader < 64 || off + entryHeader + payload > end) {
                throw new IllegalArgumentException("malformed fat binary entry at offset " + off);
            }
            Kind k = switch (kind) {
                case 1 -> Kind.PTX;
                case 2, 0x10 -> Kind.ELF;
                default -> null;
            };
            if (k != null) {
                entries.add(new Entry(k, arch, (flags & 0x8000) != 0, version >>> 16, version & 0xFFFF, payload));
            }
            off += entryHeader + payload;
        }
        if (off != end) {
            throw new IllegalArgumentException("fat binary entries end at " + off + ", not at " + end);
        }
        return new Fatbin(entries);
    }

    /**
     * The fatbin packaged in this jar ({@link #RESOURCE}).
     *
     * @return its bytes, or null when the resource is missing
     * @throws IOException if reading the resource fails
     */
    public static byte[] packaged() throws IOException {
        try (InputStream in = Fatbin.class.getResourceAsStream(RESOURCE)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /**
     * The entries, in file order.
     *
     * @return an unmodifiable list of the entries
     */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * The architectures with machine code, ascending, without duplicates.
     *
     * @return e.g. 75, 80, 86, 89, 90, 100, 120
     */
    public List<Integer> sassArchs() {
        return archs(Kind.ELF);
    }

    /**
     * The architectures with PTX, ascending, without duplicates.
     *
     * @return e.g. 75
     */
    public List<Integer> ptxArchs() {
        return archs(Kind.PTX);
    }

    private List<Integer> archs(Kind kind) {
        return new ArrayList<>(entries.stream().filter(e -> e.kind() == kind).map(Entry::arch)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    /**
     * Whether a GPU of compute capability major.minor can run something here: SASS for the same
     * major version and a minor version not above its own (NVIDIA's rule: code for X.y runs on X.z,
     * z &gt;= y), or PTX for an architecture not above it, which the driver compiles.
     *
     * @param major the GPU's compute capability, major part
     * @param minor its minor part
     * @return whether some entry can run on it
     */
    public boolean runsOn(int major, int minor) {
        int cc = major * 10 + minor;
        for (Entry e : entries) {
            if (e.kind() == Kind.ELF && e.arch() / 10 == major && e.arch() % 10 <= minor) {
                return true;
            }
            if (e.kind() == Kind.PTX && e.arch() <= cc) {
                return true;
            }
        }
        return false;
    }

    /**
     * The highest PTX ISA version among the PTX entries.
     *
     * @return {major, minor}, or null without PTX
     */
    public int[] ptxIsa() {
        int[] best = null;
        for (Entry e : entries) {
            if (e.kind() == Kind.PTX && (best == null || e.versionMajor() * 100 + e.versionMinor() > best[0] * 100 + best[1])) {
                best = new int[] {e.versionMajor(), e.versionMinor()};
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return entries.stream().map(Entry::toString).collect(Collectors.joining("; "));
    }
}
