package dev.nabla.io;

/**
 * Makes text that came from a file (a CSV cell or header, a safetensors tensor name or metadata
 * value, a JSON snippet) safe to put in a one-line message: control characters, ESC, line and
 * paragraph separators, bidirectional overrides and other characters a terminal would act on or
 * not show are escaped ({@code \n}, {@code \t}, {@code \u001b}, ...), a backslash is doubled so
 * that the escapes are unambiguous, and anything past {@value #MAX_CHARS} characters is cut with a
 * marker saying how long the text was. Every message of the library that repeats untrusted text
 * goes through here.
 */
public final class Untrusted {
    /** The most characters of untrusted text repeated in a message. */
    public static final int MAX_CHARS = 200;

    private Untrusted() {
    }

    /**
     * {@code text} escaped and cut, in single quotes: {@code 'a\nb'}.
     *
     * @param text untrusted text, or null
     * @return the quoted text, or {@code null} (unquoted) for null
     */
    public static String quote(String text) {
        return text == null ? "null" : "'" + escape(text) + "'";
    }

    /**
     * {@code text} escaped and cut to {@value #MAX_CHARS} characters, without quotes.
     *
     * @param text untrusted text, or null
     * @return the escaped text, or {@code null} for null
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (i >= MAX_CHARS) {
                b.append("...(cut: ").append(n).append(" characters in all)");
                return b.toString();
            }
            int cp = text.codePointAt(i);
            int width = Character.charCount(cp);
            if (width == 2 && i + 1 >= MAX_CHARS) {
                b.append("...(cut: ").append(n).append(" characters in all)");
                return b.toString();
            }
            append(b, cp, text, i);
            i += width;
        }
        return b.toString();
    }

    /**
     * A whole message made safe for one line of a terminal: non-printable characters escaped as in
     * {@link #escape} (backslashes stay as they are: the message's own text, paths included), and
     * cut after {@code maxChars} characters. The last guard before a message is printed.
     *
     * @param message the message, or null
     * @param maxChars the length after which it is cut
     * @return the message on one line, or {@code null} for null
     */
    public static String oneLine(String message, int maxChars) {
        if (message == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(message.length(), maxChars) + 16);
        int n = message.length();
        for (int i = 0; i < n; ) {
            if (b.length() >= maxChars) {
                b.append("...(cut: ").append(n).append(" characters in all)");
                break;
            }
            int cp = message.codePointAt(i);
            if (cp == '\\') {
                b.append('\\');
            } else {
                append(b, cp, message, i);
            }
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    /**
     * Whether {@code text} would come out of {@link #escape} unchanged.
     *
     * @param text the text, not null
     * @return true if it is short and holds nothing to escape
     */
    public static boolean isPlain(String text) {
        return text.length() <= MAX_CHARS && escape(text).equals(text);
    }

    private static void append(StringBuilder b, int cp, String text, int at) {
        switch (cp) {
            case '\n': b.append("\\n"); return;
            case '\r': b.append("\\r"); return;
            case '\t': b.append("\\t"); return;
            case '\\': b.append("\\\\"); return;
            default:
        }
        if (printable(cp)) {
            b.appendCodePoint(cp);
        } else if (cp <= 0xffff) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", cp));
        } else {
            b.append(String.format(java.util.Locale.ROOT, "\\U%08x", cp));
        }
    }

    private static boolean printable(int cp) {
        if (cp < 0x20 || cp == 0x7f) {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:            // bidirectional overrides, zero-width characters
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SURROGATE:         // an unpaired half
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
                return false;
            default:
                return true;
        }
    }
}
