package dev.nabla.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, case 6: text from files never reaches a terminal raw. */
class UntrustedTest {
    @Test
    void controlCharactersEscapeSequencesAndSeparatorsAreEscaped() {
        assertEquals("'a\\nb'", Untrusted.quote("a\nb"));
        assertEquals("\\u001b[2J", Untrusted.escape("\u001b[2J"));
        assertEquals("\\u0000 \\t \\r \\u007f \\u009b", Untrusted.escape("\0 \t \r \u007f \u009b"));
        assertEquals("\\u2028\\u202e\\u200b", Untrusted.escape("\u2028\u202e\u200b")); // separator, RTL override, ZWSP
        assertEquals("\\ud800x", Untrusted.escape("\ud800x")); // an unpaired surrogate
        assertEquals("a\\\\b", Untrusted.escape("a\\b")); // the escapes stay unambiguous
        assertEquals("layers.0.weight é 数 😀", Untrusted.escape("layers.0.weight é 数 😀"));
        assertTrue(Untrusted.isPlain("layers.0.weight"));
        assertFalse(Untrusted.isPlain("a\u001bb"));
        assertEquals("null", Untrusted.quote(null));
    }

    @Test
    void longTextIsCutWithItsLength() {
        String key = "k".repeat(5_000_000);
        String e = Untrusted.escape(key);
        assertTrue(e.startsWith("k".repeat(Untrusted.MAX_CHARS) + "...(cut: 5000000 characters in all)"), e);
        assertTrue(e.length() < 260, "length " + e.length());
        assertEquals("x".repeat(200), Untrusted.escape("x".repeat(200)));
        // a surrogate pair is not split by the cut
        String emoji = "x".repeat(199) + "😀" + "y";
        assertFalse(Untrusted.escape(emoji).contains("\\ud83d"), Untrusted.escape(emoji));
    }

    @Test
    void aWholeMessageKeepsItsBackslashesButLosesItsControlCharacters() {
        assertEquals("C:\\data\\x.csv: bad \\u001b[2J", Untrusted.oneLine("C:\\data\\x.csv: bad \u001b[2J", 100));
        String m = Untrusted.oneLine("x".repeat(5000) + "\n", 2000);
        assertFalse(m.contains("\n"));
        assertTrue(m.length() < 2100 && m.endsWith("(cut: 5001 characters in all)"), m);
    }
}
