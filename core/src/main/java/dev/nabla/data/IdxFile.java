package dev.nabla.data;

import dev.nabla.io.AtomicFiles;
import dev.nabla.io.MemoryBudget;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * One IDX array (the MNIST file format), raw or gzip-compressed: a 4-byte magic (two zero bytes,
 * the element type, the number of dimensions), the dimensions as big-endian int32, then the
 * elements. Only unsigned bytes (type 0x08, what MNIST and Fashion-MNIST use) are read.
 *
 * <p>Nothing is allocated from what the header claims until the claim is checked against the
 * file: a raw file must hold exactly the claimed bytes after its header; a gzip file's claim must
 * be reachable from its compressed size (deflate expands at most 1032:1), and the elements are
 * then read in chunks, so memory grows only with data that is really there. Every claim is also
 * checked against the memory the process can have. Gzip is read strictly: bytes after the
 * compressed data are an error.
 */
public final class IdxFile {
    /** Element type codes of the IDX format and their sizes. */
    private static final int TYPE_UBYTE = 0x08;
    /** Deflate's largest expansion ratio (a run of zeros): a gzip file cannot hold more. */
    private static final long MAX_DEFLATE_RATIO = 1032;
    private static final int MAX_DIMENSIONS = 8;

    private final int[] dims;
    private final byte[] data;

    private IdxFile(int[] dims, byte[] data) {
        this.dims = dims;
        this.data = data;
    }

    /**
     * The dimensions, e.g. [60000, 28, 28] for MNIST's training images.
     *
     * @return a copy of the dimensions
     */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * The elements, unsigned bytes, row-major.
     *
     * @return the array itself, not a copy: do not modify it
     */
    public byte[] data() {
        return data;
    }

    /**
     * An unsigned-byte IDX array with the given dimensions (checked against the data length).
     *
     * @param dims 1 to 8 positive dimensions (copied)
     * @param data the elements, row-major (not copied)
     * @return the array
     * @throws IllegalArgumentException if a dimension is not positive, there are too many or none,
     *     or their product is not {@code data.length}
     */
    public static IdxFile of(int[] dims, byte[] data) {
        long n = 1;
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("IDX dimensions must be positive: " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (dims.length < 1 || dims.length > MAX_DIMENSIONS || n != data.length) {
            throw new IllegalArgumentException("IDX dimensions " + Arrays.toString(dims) + " do not match "
                    + data.length + " bytes");
        }
        return new IdxFile(dims.clone(), data);
    }

    /**
     * Writes this array to {@code file} with {@link AtomicFiles#write}, gzip-compressed when {@code gzip}.
     *
     * @param file the target
     * @param gzip whether to compress
     * @throws IOException if writing fails
     */
    public void write(Path file, boolean gzip) throws IOException {
        AtomicFiles.write(file, raw -> {
            java.io.OutputStream out = gzip ? new java.util.zip.GZIPOutputStream(raw, 1 << 16) : raw;
            java.io.DataOutputStream d = new java.io.DataOutputStream(out);
            d.writeInt(TYPE_UBYTE << 8 | dims.length);
            for (int dim : dims) {
                d.writeInt(dim);
            }
            d.write(data);
            d.flush();
            if (gzip) {
                ((java.util.zip.GZIPOutputStream) out).finish();
            }
        });
    }

    /**
     * Reads and validates an IDX file; gzip is recognised by its magic bytes, not its name.
     *
     * @param file a regular file
     * @return the array
     * @throws DataFormatException if the file is malformed, lies about its size, or is not a regular file
     * @throws dev.nabla.io.MemoryLimitException if the data would not fit in memory
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if reading fails
     */
    public static IdxFile read(Path file) throws IOException {
        long size = checkedSize(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, size, file.toString());
        }
    }

    /**
     * The dimensions {@code file}'s header claims, checked as {@link #read} checks them, without
     * reading the data: to check what a data set will need before any of it is read.
     *
     * @param file a regular file
     * @return the dimensions
     * @throws DataFormatException if the header is malformed or inconsistent with the file's size
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if reading fails
     */
    public static int[] readDimensions(Path file) throws IOException {
        long size = checkedSize(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, size, file.toString(), true).dims;
        }
    }

    /** A regular file's size: the header's claims are checked against it (a device or FIFO has none). */
    private static long checkedSize(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file + ": a directory, not an IDX file");
        }
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file + ": not a regular file (a device or FIFO has no size to check the "
                    + "header's claims against)");
        }
        return Files.size(file);
    }

    /**
     * Reads an IDX array of {@code size} bytes (compressed or not) from {@code raw}, read to its
     * end but not closed.
     *
     * @param raw the stream, raw or gzip
     * @param size the stream's length in bytes, which the header's claims are checked against
     * @param name names the source in messages
     * @return the array
     * @throws DataFormatException if the content is malformed or inconsistent with {@code size}
     * @throws dev.nabla.io.MemoryLimitException if the data would not fit in memory
     * @throws IOException if reading fails
     */
    public static IdxFile read(InputStream raw, long size, String name) throws IOException {
        return read(raw, size, name, false);
    }

    private static IdxFile read(InputStream raw, long size, String name, boolean headerOnly) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        InputStream in = buffered;
        if (gzip) {
            try {
                in = new StrictGzipInputStream(buffered);
            } catch (ZipException | EOFException e) {
                throw new DataFormatException(name + ": corrupt gzip header (" + e.getMessage() + ")");
            }
        }
        try {
            return parse(new DataInputStream(in), size, gzip, name, headerOnly);
        } catch (StrictGzipInputStream.TrailingBytesException e) {
            throw new DataFormatException(name + ": bytes after the end of the gzip data (trailing garbage: a damaged "
                    + "or appended-to file)");
        } catch (ZipException e) {
            throw new DataFormatException(name + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (EOFException e) {
            throw new DataFormatException(name + ": truncated " + (gzip ? "gzip stream" : "file") + " (ends inside "
                    + "the data)");
        }
    }

    private static IdxFile parse(DataInputStream in, long size, boolean gzip, String name, boolean headerOnly)
            throws IOException {
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got < 4) {
            throw new DataFormatException(name + ": " + got + " bytes, too short for an IDX header (4-byte magic)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataFormatException(name + ": not an IDX file (magic " + hex(magic)
                    + "; an IDX file starts with two zero bytes, its type and its dimension count)");
        }
        int type = magic[2] & 0xff;
        int rank = magic[3] & 0xff;
        if (type != TYPE_UBYTE) {
            throw new DataFormatException(name + ": IDX element type 0x" + Integer.toHexString(type) + " (magic "
                    + hex(magic) + "): Nabla reads unsigned-byte IDX files (type 0x08, as in MNIST)");
        }
        if (rank < 1 || rank > MAX_DIMENSIONS) {
            throw new DataFormatException(name + ": " + rank + " dimensions in the IDX magic " + hex(magic)
                    + " (expected 1 to " + MAX_DIMENSIONS + ")");
        }
        int headerBytes = 4 + 4 * rank;
        int[] dims = new int[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            int dim;
            try {
                dim = in.readInt();
            } catch (EOFException e) {
                throw new DataFormatException(name + ": truncated header: the magic announces " + rank
                        + " dimensions (" + headerBytes + " header bytes) but the file ends at dimension " + d);
            }
            if (dim <= 0) {
                throw new DataFormatException(name + ": dimension " + d + " is " + dim + " (must be positive)");
            }
            dims[d] = dim;
            elements *= dim; // at most 8 factors < 2^31 each: checked against the limit below after each step
            if (elements > ValueArrayBuilder.MAX_LENGTH) {
                throw new DataFormatException(name + ": the dimensions " + describe(dims, d + 1) + "... claim more than "
                        + ValueArrayBuilder.MAX_LENGTH + " elements, too many for this reader");
            }
        }
        if (!gzip) {
            long available = size - headerBytes;
            if (available != elements) {
                throw new DataFormatException(name + ": the header claims " + describe(dims, rank) + " = " + elements
                        + " bytes of data but the file holds " + Math.max(0, available) + " after its " + headerBytes
                        + "-byte header" + (available < elements ? " (truncated file or lying header)" : " (trailing bytes)"));
            }
            if (headerOnly) {
                return new IdxFile(dims, null);
            }
            MemoryBudget.require(name, "the " + describe(dims, rank) + " bytes of data its header claims", elements);
            byte[] data = in.readNBytes((int) elements);
            if (data.length != elements) {
                throw new DataFormatException(name + ": the file shrank while it was read");
            }
            return new IdxFile(dims, data);
        }
        if (elements > Math.max(0, size) * MAX_DEFLATE_RATIO) {
            throw new DataFormatException(name + ": the header claims " + describe(dims, rank) + " = " + elements
                    + " bytes but " + size + " compressed bytes cannot hold that many (lying header)");
        }
        if (headerOnly) {
            return new IdxFile(dims, null);
        }
        MemoryBudget.require(name, "the " + describe(dims, rank) + " bytes of data its header claims", elements);
        byte[] data = readChunked(in, (int) elements, name, dims);
        if (in.read() != -1) {
            throw new DataFormatException(name + ": data continues past the " + elements + " bytes the header claims ("
                    + describe(dims, rank) + ")");
        }
        return new IdxFile(dims, data);
    }

    /** Reads exactly {@code n} bytes, growing the buffer only as data arrives. */
    private static byte[] readChunked(InputStream in, int n, String name, int[] dims) throws IOException {
        byte[] buf = new byte[Math.min(n, 1 << 20)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int r = in.read(buf, filled, buf.length - filled);
            if (r < 0) {
                throw new DataFormatException(name + ": the header claims " + describe(dims, dims.length) + " = " + n
                        + " bytes but the data ends after " + filled + " (truncated file or lying header)");
            }
            filled += r;
        }
        return buf;
    }

    private static String describe(int[] dims, int count) {
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < count; d++) {
            b.append(d == 0 ? "" : "x").append(dims[d]);
        }
        return b.toString();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder("0x");
        for (byte x : b) {
            s.append(String.format(java.util.Locale.ROOT, "%02x", x & 0xff));
        }
        return s.toString();
    }
}
