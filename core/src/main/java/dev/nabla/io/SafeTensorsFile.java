package dev.nabla.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file read into memory and validated before anything in it is trusted: 8 bytes of
 * little-endian header length N, N bytes of JSON header, then the data section. The checks: N
 * within the limit and within the file; the header strict JSON, UTF-8, starting with '{'; every
 * tensor with a known dtype, a non-negative shape whose byte size matches its
 * {@code data_offsets}, inside the data section; tensors neither overlapping nor leaving holes,
 * covering the data section exactly (as the format requires); {@code __metadata__} a map of
 * strings. Allocation is bounded by the real file size, never by a number the header claims.
 */
public final class SafeTensorsFile {
    /** The largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The largest file accepted: one Java byte array. */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    static final int MAX_RANK = 16;
    static final int MAX_TENSORS = 100_000;

    /** Bytes per element of every dtype the format defines (so that foreign files validate structurally). */
    private static final Map<String, Integer> DTYPE_SIZES = Map.ofEntries(
            Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("F8_E5M2", 1),
            Map.entry("F8_E4M3", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
            Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8));

    /**
     * One tensor's header entry, validated.
     *
     * @param name the tensor's name
     * @param dtype the safetensors dtype, e.g. {@code F32}
     * @param shape the dimensions, each at least 0
     * @param begin the first byte, relative to the data section
     * @param end the byte after the last, relative to the data section
     */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        /**
         * The number of elements.
         *
         * @return the product of the shape (1 for a scalar)
         */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d; // validated not to overflow
            }
            return n;
        }

        /**
         * The shape for messages.
         *
         * @return e.g. {@code [10, 784]}
         */
        public String shapeText() {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < shape.length; i++) {
                b.append(i == 0 ? "" : ", ").append(shape[i]);
            }
            return b.append(']').toString();
        }
    }

    private final String name;
    private final byte[] bytes;
    private final int dataStart;
    private final Map<String, String> metadata;
    private final Map<String, Entry> entries;

    private SafeTensorsFile(String name, byte[] bytes, int dataStart, Map<String, String> metadata,
                            Map<String, Entry> entries) {
        this.name = name;
        this.bytes = bytes;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.entries = entries;
    }

    /**
     * Reads and validates {@code file}. A regular file's size is checked against the limits before
     * it is read; anything else (a device such as {@code /dev/zero}, a FIFO, a link to one) has no
     * size to trust, and is read as a stream: only as many bytes as its header declares, and
     * those only once the header has passed the limits.
     *
     * @param file the file
     * @return the validated file
     * @throws ModelFormatException if the file is malformed, a directory, or over the limits
     * @throws MemoryLimitException if the file does not fit in the memory budget
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if reading fails
     */
    public static SafeTensorsFile read(Path file) throws IOException {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw bad(name, "a directory, not a model file");
        }
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(name);
        }
        if (!Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                return read(in, name);
            }
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw bad(name, size + " bytes, larger than the " + MAX_FILE_BYTES + "-byte limit for a model file");
        }
        MemoryBudget.require(name, "reading the model file", size);
        return parse(Files.readAllBytes(file), name);
    }

    /**
     * Reads a safetensors file from a stream of unknown length: the 8-byte header length, the
     * header, then exactly the data the header's tensors declare, each checked against the limits
     * and the memory budget before it is read; bytes after that are an error.
     *
     * @param in the stream, read to its end but not closed
     * @param name names the file in error messages
     * @return the validated file
     * @throws ModelFormatException if the content is malformed or over the limits
     * @throws MemoryLimitException if the declared sizes do not fit in the memory budget
     * @throws IOException if reading fails
     */
    public static SafeTensorsFile read(InputStream in, String name) throws IOException {
        byte[] lengthBytes = in.readNBytes(8);
        if (lengthBytes.length < 8) {
            throw bad(name, lengthBytes.length + " bytes, too short for a safetensors file (8-byte header length first)");
        }
        long n = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw bad(name, "header length " + Long.toUnsignedString(n) + " exceeds the " + MAX_HEADER_BYTES
                    + "-byte limit");
        }
        if (n < 2) {
            throw bad(name, "the header does not start with '{' (not a safetensors file)");
        }
        MemoryBudget.require(name, "its header", n);
        byte[] header = readExactly(in, (int) n, name, "header length " + n + " runs past the end of the stream");
        if (header[0] != '{') {
            throw bad(name, "the header does not start with '{' (not a safetensors file)");
        }
        long data = declaredDataLength(header);
        if (data > MAX_FILE_BYTES - 8 - n) {
            throw bad(name, "the header declares " + data + " bytes of data, more than the " + MAX_FILE_BYTES
                    + "-byte limit for a model file");
        }
        MemoryBudget.require(name, "the data its header declares", MemoryBudget.times(2, 8 + n + data));
        // Grown as the bytes arrive: a stream that claims much and delivers little costs little.
        byte[] all = new byte[(int) Math.min(8 + n + data, 8 + n + (1 << 20))];
        System.arraycopy(lengthBytes, 0, all, 0, 8);
        System.arraycopy(header, 0, all, 8, (int) n);
        long total = 8 + n + data;
        int at = (int) (8 + n);
        while (at < total) {
            if (at == all.length) {
                all = java.util.Arrays.copyOf(all, (int) Math.min(total, 2L * all.length));
            }
            int r = in.read(all, at, all.length - at);
            if (r < 0) {
                throw bad(name, "the data ends after " + (at - 8 - n) + " of the " + data + " bytes the header declares "
                        + "(truncated)");
            }
            at += r;
        }
        if (in.read() != -1) {
            throw bad(name, "data continues past the " + data + " bytes the header declares (trailing bytes)");
        }
        return parse(all, name);
    }

    /** Reads {@code n} bytes, growing the buffer only as they arrive. */
    private static byte[] readExactly(InputStream in, int n, String name, String shortProblem) throws IOException {
        byte[] buf = new byte[Math.min(n, 1 << 20)];
        int filled = 0;
        while (filled < n) {
            if (filled == buf.length) {
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int r = in.read(buf, filled, buf.length - filled);
            if (r < 0) {
                throw bad(name, shortProblem);
            }
            filled += r;
        }
        return buf;
    }

    /**
     * The end of the data section the header's tensors declare (the largest {@code data_offsets}
     * end), or 0 when the header is malformed (then {@link #parse} says how).
     */
    private static long declaredDataLength(byte[] header) {
        Object root;
        try {
            String json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header)).toString();
            root = StrictJson.parse(json, 4);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return 0;
        }
        long end = 0;
        if (root instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) root).entrySet()) {
                if (e.getKey().equals("__metadata__") || !(e.getValue() instanceof Map)) {
                    continue;
                }
                Object offsets = ((Map<?, ?>) e.getValue()).get("data_offsets");
                if (offsets instanceof List && ((List<?>) offsets).size() == 2
                        && ((List<?>) offsets).get(1) instanceof StrictJson.Number) {
                    Long v = ((StrictJson.Number) ((List<?>) offsets).get(1)).longValue();
                    if (v != null && v > end) {
                        end = v;
                    }
                }
            }
        }
        return end;
    }

    /**
     * Validates a whole file's bytes.
     *
     * @param bytes the file's bytes; kept, not copied
     * @param name names the file in error messages
     * @return the validated file
     * @throws ModelFormatException if the content is malformed or over the limits
     */
    public static SafeTensorsFile parse(byte[] bytes, String name) {
        if (bytes.length < 8) {
            throw bad(name, bytes.length + " bytes, too short for a safetensors file (8-byte header length first)");
        }
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw bad(name, "header length " + Long.toUnsignedString(n) + " exceeds the " + MAX_HEADER_BYTES
                    + "-byte limit");
        }
        if (n > bytes.length - 8L) {
            throw bad(name, "header length " + n + " runs past the end of the file (" + bytes.length
                    + " bytes): truncated file or corrupt header");
        }
        if (n < 2 || bytes[8] != '{') {
            throw bad(name, "the header does not start with '{' (not a safetensors file)");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw bad(name, "the header is not UTF-8 text");
        }
        Object root;
        try {
            root = StrictJson.parse(json, 4);
        } catch (IllegalArgumentException e) {
            throw bad(name, "malformed JSON header: " + e.getMessage());
        }
        if (!(root instanceof Map)) {
            throw bad(name, "the JSON header is not an object");
        }
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - (long) dataStart;
        Map<String, String> metadata = Map.of();
        List<Entry> list = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) root;
        if (header.size() > MAX_TENSORS) {
            throw bad(name, header.size() + " header entries, more than the limit of " + MAX_TENSORS);
        }
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                metadata = metadata(name, e.getValue());
            } else {
                list.add(entry(name, e.getKey(), e.getValue(), dataLength));
            }
        }
        list.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry t : list) {
            if (t.begin() < expected) {
                throw bad(name, "tensor " + Untrusted.quote(t.name()) + " bytes [" + t.begin() + ", " + t.end() + ") overlap tensor "
                        + Untrusted.quote(previous.name()) + " [" + previous.begin() + ", " + previous.end() + ")");
            }
            if (t.begin() > expected) {
                throw bad(name, "data bytes [" + expected + ", " + t.begin() + ") belong to no tensor (a hole before "
                        + Untrusted.quote(t.name()) + ")");
            }
            expected = t.end();
            previous = t;
        }
        if (expected != dataLength) {
            throw bad(name, "the tensors cover " + expected + " bytes but the data section holds " + dataLength
                    + " (trailing bytes)");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry t : list) {
            entries.put(t.name(), t);
        }
        return new SafeTensorsFile(name, bytes, dataStart, metadata, Collections.unmodifiableMap(entries));
    }

    private static Map<String, String> metadata(String name, Object value) {
        if (!(value instanceof Map)) {
            throw bad(name, "__metadata__ is not an object");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw bad(name, "__metadata__ value of " + Untrusted.quote(String.valueOf(e.getKey())) + " is not a string");
            }
            m.put((String) e.getKey(), (String) e.getValue());
        }
        return Collections.unmodifiableMap(m);
    }

    private static Entry entry(String file, String tensor, Object value, long dataLength) {
        if (!(value instanceof Map)) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": its header entry is not an object");
        }
        Map<?, ?> info = (Map<?, ?>) value;
        for (Object key : info.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw bad(file, "tensor " + Untrusted.quote(tensor) + ": unexpected key " + Untrusted.quote(String.valueOf(key)));
            }
        }
        Object dtype = info.get("dtype");
        if (!(dtype instanceof String)) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": dtype missing or not a string");
        }
        Integer size = DTYPE_SIZES.get(dtype);
        if (size == null) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": unknown dtype " + Untrusted.quote((String) dtype));
        }
        long[] shape = integers(file, tensor, "shape", info.get("shape"), -1);
        if (shape.length > MAX_RANK) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": rank " + shape.length + " exceeds " + MAX_RANK);
        }
        long[] offsets = integers(file, tensor, "data_offsets", info.get("data_offsets"), 2);
        long bytes = size;
        try {
            for (long d : shape) {
                bytes = Math.multiplyExact(bytes, d);
            }
        } catch (ArithmeticException e) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": shape " + java.util.Arrays.toString(shape) + " overflows");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataLength) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": data_offsets [" + begin + ", " + end
                    + "] run past the data section (" + dataLength + " bytes)");
        }
        if (end - begin != bytes) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": " + dtype + " " + java.util.Arrays.toString(shape) + " needs "
                    + bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new Entry(tensor, (String) dtype, shape, begin, end);
    }

    private static long[] integers(String file, String tensor, String key, Object value, int length) {
        if (!(value instanceof List)) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": " + key + " missing or not an array");
        }
        List<?> list = (List<?>) value;
        if (length >= 0 && list.size() != length) {
            throw bad(file, "tensor " + Untrusted.quote(tensor) + ": " + key + " has " + list.size() + " values, expected " + length);
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            Long x = v instanceof StrictJson.Number ? ((StrictJson.Number) v).longValue() : null;
            if (x == null || x < 0) {
                throw bad(file, "tensor " + Untrusted.quote(tensor) + ": " + key + " value " + Untrusted.escape(String.valueOf(v)) + " is not a non-negative integer");
            }
            out[i] = x;
        }
        return out;
    }

    /**
     * The exception for a malformed file: "FILE: problem".
     *
     * @param file names the file
     * @param problem what is wrong
     * @return the exception, to throw
     */
    public static ModelFormatException bad(String file, String problem) {
        return new ModelFormatException(file + ": " + problem);
    }

    /**
     * The name given when reading, used in messages.
     *
     * @return the file's name
     */
    public String name() {
        return name;
    }

    /**
     * The header's {@code __metadata__}.
     *
     * @return an unmodifiable map of strings, empty when the header has none
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The tensors in data order.
     *
     * @return an unmodifiable map from tensor name to entry
     */
    public Map<String, Entry> entries() {
        return entries;
    }

    /**
     * The values of an F32 or F64 tensor as float64 (exact for both), row-major. Not checked for
     * NaN or infinity.
     *
     * @param e an entry of this file
     * @return a new array of {@code e.elements()} values
     * @throws ModelFormatException if the tensor is of another dtype or too large for one array
     */
    public double[] doubles(Entry e) {
        long count = e.elements();
        if (count > MAX_FILE_BYTES) {
            throw bad(name, "tensor " + Untrusted.quote(e.name()) + " has too many elements for one array");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, dataStart + (int) e.begin(), (int) (e.end() - e.begin()))
                .order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[(int) count];
        switch (e.dtype()) {
            case "F32":
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.getFloat();
                }
                break;
            case "F64":
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.getDouble();
                }
                break;
            default:
                throw bad(name, "tensor " + Untrusted.quote(e.name()) + " is " + e.dtype() + "; Nabla reads F32 and F64");
        }
        return out;
    }
}
