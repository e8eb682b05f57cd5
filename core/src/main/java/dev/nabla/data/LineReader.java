package dev.nabla.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a UTF-8 stream into lines on its bytes ({@code \n}, {@code \r\n} or {@code \r}), then
 * decodes each line on its own. Unlike a {@code BufferedReader} over a decoding reader, which
 * decodes kilobytes ahead, an invalid byte is reported on the line that holds it; and a line is
 * never longer than a limit, so a file without line breaks cannot fill the heap.
 */
final class LineReader {
    /** A line ran past the limit. */
    static final class TooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLongException() {
            super("line too long");
        }
    }

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean end;
    private byte[] line = new byte[1024];
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line without its terminator, or null at the end of the stream. */
    String next() throws IOException {
        int len = 0;
        boolean any = false;
        boolean ascii = true;
        while (true) {
            if (pos == limit && !fill()) {
                return any ? decode(len, ascii) : null;
            }
            any = true;
            byte b = buf[pos++];
            if (b == '\n') {
                return decode(len, ascii);
            }
            if (b == '\r') {
                if ((pos < limit || fill()) && buf[pos] == '\n') {
                    pos++;
                }
                return decode(len, ascii);
            }
            if (len == line.length) {
                if (len >= maxBytes) {
                    throw new TooLongException();
                }
                line = java.util.Arrays.copyOf(line, (int) Math.min(maxBytes, 2L * len));
            }
            ascii &= b >= 0;
            line[len++] = b;
        }
    }

    private boolean fill() throws IOException {
        if (end) {
            return false;
        }
        int r;
        do {
            r = in.read(buf, 0, buf.length);
        } while (r == 0);
        if (r < 0) {
            end = true;
            pos = limit = 0;
            return false;
        }
        pos = 0;
        limit = r;
        return true;
    }

    private String decode(int len, boolean ascii) throws CharacterCodingException {
        if (ascii) {
            return new String(line, 0, len, StandardCharsets.ISO_8859_1);
        }
        decoder.reset();
        CharBuffer chars = decoder.decode(ByteBuffer.wrap(line, 0, len));
        return chars.toString();
    }
}
