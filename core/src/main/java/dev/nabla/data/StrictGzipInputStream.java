package dev.nabla.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A gzip stream (RFC 1952) read strictly: every member's header, deflate data, CRC-32 and length
 * are checked, members may follow one another (as {@code cat a.gz b.gz} makes), and anything else
 * after the last member is an error. {@link java.util.zip.GZIPInputStream} silently ignores bytes
 * after the data that do not start a new member, so a file with trailing garbage passed for a good one.
 */
final class StrictGzipInputStream extends InputStream {
    /** Bytes after the end of the gzip data that do not start another member. */
    static final class TrailingBytesException extends ZipException {
        private static final long serialVersionUID = 1L;

        TrailingBytesException() {
            super("bytes after the end of the gzip data");
        }
    }

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final PushbackInputStream in;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] buf = new byte[1 << 16];
    private int lastInput;
    private boolean eof;

    StrictGzipInputStream(InputStream raw) throws IOException {
        this.in = new PushbackInputStream(raw, buf.length);
        readHeader(true);
    }

    private void readHeader(boolean first) throws IOException {
        int id1 = in.read();
        if (!first && id1 < 0) {
            eof = true;
            return;
        }
        int id2 = in.read();
        if (id1 != 0x1f || id2 != 0x8b) {
            if (first) {
                throw new ZipException("not in gzip format");
            }
            throw new TrailingBytesException();
        }
        if (readByte() != 8) {
            throw new ZipException("unsupported compression method");
        }
        int flags = readByte();
        if ((flags & 0xe0) != 0) {
            throw new ZipException("reserved header flags set");
        }
        skip(6); // modification time, extra flags, operating system
        if ((flags & FEXTRA) != 0) {
            skip(readByte() | readByte() << 8);
        }
        if ((flags & FNAME) != 0) {
            while (readByte() != 0) {
                // the original file name
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (readByte() != 0) {
                // a comment
            }
        }
        if ((flags & FHCRC) != 0) {
            skip(2);
        }
        inflater.reset();
        crc.reset();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("truncated gzip header");
        }
        return b;
    }

    private void skip(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            readByte();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!eof) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new ZipException(e.getMessage() != null ? e.getMessage() : "invalid deflate data");
            }
            if (n > 0) {
                crc.update(b, off, n);
                return n;
            }
            if (inflater.finished()) {
                int remaining = inflater.getRemaining();
                if (remaining > 0) {
                    in.unread(buf, lastInput - remaining, remaining);
                }
                readTrailer();
                readHeader(false);
                continue;
            }
            if (inflater.needsDictionary()) {
                throw new ZipException("deflate data needs a preset dictionary");
            }
            if (inflater.needsInput()) {
                int r = in.read(buf, 0, buf.length);
                if (r < 0) {
                    throw new EOFException("truncated gzip data");
                }
                lastInput = r;
                inflater.setInput(buf, 0, r);
            }
        }
        return -1;
    }

    private void readTrailer() throws IOException {
        long crcValue = readUInt();
        long size = readUInt();
        if (crcValue != crc.getValue()) {
            throw new ZipException("corrupt gzip trailer (CRC-32 mismatch)");
        }
        if (size != (inflater.getBytesWritten() & 0xffffffffL)) {
            throw new ZipException("corrupt gzip trailer (length mismatch)");
        }
    }

    private long readUInt() throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (long) readByte() << (8 * i);
        }
        return v;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
