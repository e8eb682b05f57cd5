package dev.nabla.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the safetensors layout the reference implementation writes: tensors sorted by descending
 * dtype size then by name, data packed in that order; a compact JSON header with
 * {@code __metadata__} first (its keys sorted, for reproducible files), then each tensor's
 * {@code dtype}, {@code shape} and {@code data_offsets}; the header padded with spaces to a
 * multiple of 8 bytes so that the data is aligned. Values are little-endian F32 or F64.
 */
public final class SafeTensorsWriter {
    /**
     * One tensor to write; {@code values} are rounded to float32 for F32 (exact if they came from
     * float32). The arrays are not copied.
     *
     * @param name the tensor's name in the header, e.g. {@code layers.0.weight}
     * @param dtype {@code F32} or {@code F64}
     * @param shape the dimensions, e.g. [out, in]
     * @param values the elements row-major, as many as the shape's product
     */
    public record Tensor(String name, String dtype, long[] shape, double[] values) {
        /**
         * Checks the dtype and the number of values.
         *
         * @param name the tensor's name
         * @param dtype {@code F32} or {@code F64}
         * @param shape the dimensions
         * @param values the elements row-major
         * @throws IllegalArgumentException if the dtype is another, or the values do not fill the shape
         */
        public Tensor {
            if (!dtype.equals("F32") && !dtype.equals("F64")) {
                throw new IllegalArgumentException("Nabla writes F32 or F64 tensors, not " + dtype);
            }
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != values.length) {
                throw new IllegalArgumentException("tensor '" + name + "' has shape " + java.util.Arrays.toString(shape)
                        + " but " + values.length + " values");
            }
        }

        int elementSize() {
            return dtype.equals("F32") ? 4 : 8;
        }

        long byteSize() {
            return (long) values.length * elementSize();
        }
    }

    private SafeTensorsWriter() {
    }

    /**
     * Writes a complete file to {@code out} (not closed). Names are not checked for duplicates, and
     * values are written as they are (NaN included): callers check both.
     *
     * @param out the stream, e.g. from {@link AtomicFiles#write}
     * @param metadata the {@code __metadata__} strings; omitted from the header when empty
     * @param tensors the tensors, in any order
     * @throws IOException if writing to {@code out} fails
     */
    public static void write(OutputStream out, Map<String, String> metadata, List<Tensor> tensors) throws IOException {
        List<Tensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingInt(Tensor::elementSize).reversed().thenComparing(Tensor::name));
        byte[] header = header(metadata, sorted);
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(length.array());
        out.write(header);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : sorted) {
            boolean f32 = t.elementSize() == 4;
            for (double v : t.values()) {
                if (chunk.remaining() < 8) {
                    out.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
                if (f32) {
                    chunk.putFloat((float) v);
                } else {
                    chunk.putDouble(v);
                }
            }
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    private static byte[] header(Map<String, String> metadata, List<Tensor> sorted) {
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        if (!metadata.isEmpty()) {
            b.append("\"__metadata__\":{");
            boolean firstKey = true;
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                b.append(firstKey ? "" : ",");
                string(b, e.getKey());
                b.append(':');
                string(b, e.getValue());
                firstKey = false;
            }
            b.append('}');
            first = false;
        }
        long offset = 0;
        for (Tensor t : sorted) {
            b.append(first ? "" : ",");
            first = false;
            string(b, t.name());
            b.append(":{\"dtype\":");
            string(b, t.dtype());
            b.append(",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) {
                b.append(i == 0 ? "" : ",").append(t.shape()[i]);
            }
            long end = offset + t.byteSize();
            b.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        b.append('}');
        byte[] json = b.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** A JSON string, escaped as serde_json escapes (quote, backslash, control characters). */
    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\b': b.append("\\b"); break;
                case '\f': b.append("\\f"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }
}
