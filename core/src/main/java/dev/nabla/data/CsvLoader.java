package dev.nabla.data;

import dev.nabla.tensor.DType;

import dev.nabla.io.MemoryBudget;
import dev.nabla.io.Untrusted;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads numeric CSV files into {@link Dataset}s (or {@link Features} for prediction). Cells may be
 * quoted (RFC 4180, {@code ""} for a quote) but may not span lines; blank lines are skipped. Every
 * problem is reported with the file, the 1-based line and column: a cell that is not a number, a
 * non-finite or out-of-range value, a row with too few or too many cells, a label outside the
 * classes ({@link DataFormatException}). Input is UTF-8; a line may be at most 32 MiB. One-hot
 * targets are checked against the memory budget before the first row is read
 * ({@link dev.nabla.io.MemoryLimitException}).
 *
 * @see CsvFormat
 */
public final class CsvLoader {
    private CsvLoader() {
    }

    /**
     * Reads a labelled data set; {@code format} must name the targets.
     *
     * @param file the CSV file
     * @param format the delimiter, header, targets and precision
     * @return the data set, in {@code format.dtype()}
     * @throws IllegalArgumentException if the format names no targets
     * @throws DataFormatException if the file is malformed or a directory
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if reading fails
     */
    public static Dataset load(Path file, CsvFormat format) throws IOException {
        checkReadable(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), format, Files.size(file));
        }
    }

    /**
     * Reads the input columns only, dropping the target columns {@code format} names, if any.
     *
     * @param file the CSV file
     * @param format the delimiter, header, targets to drop and precision
     * @return the inputs, in {@code format.dtype()}
     * @throws DataFormatException if the file is malformed or a directory
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if reading fails
     */
    public static Features loadFeatures(Path file, CsvFormat format) throws IOException {
        checkReadable(file);
        try (InputStream in = Files.newInputStream(file)) {
            return readFeatures(in, file.toString(), format, Files.size(file));
        }
    }

    private static void checkReadable(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new DataFormatException(file + ": a directory, not a CSV file");
        }
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
    }

    /**
     * Reads a labelled data set from a stream (read to its end, not closed).
     *
     * @param in the CSV text, UTF-8
     * @param name names the source in error messages
     * @param format the delimiter, header, targets and precision; must name targets
     * @param sizeHint the stream's length in bytes if known, else 0: sizes the buffers and bounds
     *     the rows for the memory check of one-hot targets
     * @return the data set
     * @throws IllegalArgumentException if the format names no targets
     * @throws DataFormatException if the content is malformed
     * @throws IOException if reading fails
     */
    public static Dataset read(InputStream in, String name, CsvFormat format, long sizeHint) throws IOException {
        if (!format.hasTargets()) {
            throw new IllegalArgumentException(name + ": say which columns are targets (--targets K for the last K "
                    + "columns, or --label-col C --classes N for a class-index column)");
        }
        Parser p = new Parser(name, format, true, sizeHint);
        p.parse(in);
        return new Dataset(p.features.toValues(p.rows, p.inputs), p.targets.toValues(p.rows, format.outputs()));
    }

    /**
     * Reads the input columns from a stream (read to its end, not closed), dropping any target
     * columns {@code format} names.
     *
     * @param in the CSV text, UTF-8
     * @param name names the source in error messages
     * @param format the delimiter, header, targets to drop and precision
     * @param sizeHint the stream's length in bytes if known, else 0
     * @return the inputs
     * @throws DataFormatException if the content is malformed
     * @throws IOException if reading fails
     */
    public static Features readFeatures(InputStream in, String name, CsvFormat format, long sizeHint)
            throws IOException {
        Parser p = new Parser(name, format, false, sizeHint);
        p.parse(in);
        return new Features(p.features.toValues(p.rows, p.inputs));
    }

    /** What one column becomes. */
    private enum Role { INPUT, TARGET, LABEL, DROPPED }

    private static final class Parser {
        final String name;
        final CsvFormat format;
        final boolean wantTargets;
        final ValueArrayBuilder features;
        final ValueArrayBuilder targets;
        final CellSplitter splitter;
        final long sizeHint;
        Role[] roles;
        int columns = -1;
        int inputs;
        int rows;
        long line;

        Parser(String name, CsvFormat format, boolean wantTargets, long sizeHint) {
            this.name = name;
            this.sizeHint = sizeHint;
            this.format = format;
            this.wantTargets = wantTargets;
            int estimate = (int) Math.min(16L << 20, Math.max(1024, sizeHint / 8));
            this.features = new ValueArrayBuilder(format.dtype(), estimate);
            this.targets = new ValueArrayBuilder(format.dtype(), wantTargets ? 1024 : 16);
            this.splitter = new CellSplitter(format.delimiter(), format.dtype());
        }

        void parse(InputStream in) throws IOException {
            LineReader reader = new LineReader(in, MAX_LINE_BYTES);
            String text;
            while (true) {
                try {
                    text = reader.next();
                } catch (LineReader.TooLongException e) {
                    throw new DataFormatException(name + ", line " + (line + 1) + ": longer than " + MAX_LINE_BYTES
                            + " bytes (one line is one example: is this a CSV file?)");
                } catch (CharacterCodingException e) {
                    // Lines are split on bytes and decoded one by one, so this is the line that holds the bad bytes.
                    throw new DataFormatException(name + ", line " + (line + 1) + ": not UTF-8 text", e);
                }
                if (text == null) {
                    break;
                }
                line++;
                if (line == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
                    text = text.substring(1); // byte order mark
                }
                if (text.isBlank()) {
                    continue;
                }
                splitter.split(text, this::error);
                if (columns < 0) {
                    if (firstLine()) {
                        continue; // it was the header
                    }
                }
                row();
            }
            if (rows == 0) {
                throw new DataFormatException(name + ": no data rows" + (line == 0 ? " (the file is empty)" : ""));
            }
        }

        /** Sets up the columns from the first non-blank line; returns whether that line is a header. */
        boolean firstLine() {
            int n = splitter.count();
            boolean header;
            switch (format.header()) {
                case PRESENT:
                    header = true;
                    break;
                case ABSENT:
                    header = false;
                    break;
                default:
                    header = detectHeader(n);
            }
            List<String> names = new ArrayList<>();
            if (header) {
                for (int c = 0; c < n; c++) {
                    names.add(splitter.text(c).trim());
                }
            }
            assignRoles(n, header ? names : null);
            return header;
        }

        boolean detectHeader(int n) {
            int numeric = 0;
            int firstText = -1;
            for (int c = 0; c < n; c++) {
                if (Numbers.isNumber(splitter.text(c))) {
                    numeric++;
                } else if (firstText < 0) {
                    firstText = c;
                }
            }
            if (numeric == n) {
                return false;
            }
            if (numeric == 0) {
                return true;
            }
            throw error(firstText, "the first line mixes numbers and text ('" + clip(splitter.text(firstText).trim())
                    + "' is not a number): pass --header if it is a header line, or fix the cell");
        }

        void assignRoles(int n, List<String> names) {
            columns = n;
            roles = new Role[n];
            java.util.Arrays.fill(roles, Role.INPUT);
            if (format.targetColumns() > 0) {
                int k = format.targetColumns();
                if (k >= n) {
                    throw new DataFormatException(name + ": " + n + " column" + (n == 1 ? "" : "s") + " but --targets "
                            + k + " leaves no input column");
                }
                for (int c = n - k; c < n; c++) {
                    roles[c] = wantTargets ? Role.TARGET : Role.DROPPED;
                }
            } else if (format.labelColumn() != null) {
                if (n < 2) {
                    throw new DataFormatException(name + ": 1 column, so the label column leaves no input column");
                }
                roles[labelIndex(n, names)] = wantTargets ? Role.LABEL : Role.DROPPED;
                if (wantTargets) {
                    checkOneHotMemory(n);
                }
            }
            int in = 0;
            for (Role r : roles) {
                if (r == Role.INPUT) {
                    in++;
                }
            }
            inputs = in;
        }

        /**
         * One-hot targets take {@code classes} values a row, however short the row's text: a
         * 170-byte file with {@code --classes 300000000} would ask for gigabytes. A row of n
         * cells takes at least 2n bytes of the file, which bounds the rows; their targets must fit
         * before any is made.
         */
        void checkOneHotMemory(int cellsPerRow) {
            long maxRows = sizeHint > 0 ? sizeHint / (2L * cellsPerRow) + 1 : 1;
            MemoryBudget.require(name + " with --classes " + format.classes(), "one-hot targets of " + format.classes()
                    + " values a row (for up to " + maxRows + " rows in a file of " + Math.max(sizeHint, 0) + " bytes)",
                    MemoryBudget.times(MemoryBudget.times(maxRows, format.classes()), format.dtype().bytes()));
        }

        int labelIndex(int n, List<String> names) {
            String col = format.labelColumn();
            if (col.chars().allMatch(Character::isDigit)) {
                int index;
                try {
                    index = Integer.parseInt(col);
                } catch (NumberFormatException e) {
                    index = Integer.MAX_VALUE;
                }
                if (index >= n) {
                    throw new DataFormatException(name + ": --label-col " + col + " but the rows have " + n
                            + " columns (indices 0.." + (n - 1) + ")");
                }
                return index;
            }
            if (names == null) {
                throw new DataFormatException(name + ": --label-col '" + clip(col) + "' is a name but the file has no header"
                        + " line; give a 0-based column index");
            }
            int index = names.indexOf(col);
            if (index < 0) {
                throw new DataFormatException(name + ": no column named '" + clip(col) + "' in the header (columns: "
                        + clip(String.join(", ", names)) + ")");
            }
            return index;
        }

        void row() {
            int n = splitter.count();
            if (n != columns) {
                throw new DataFormatException(name + ", line " + line + ": " + n + " cell" + (n == 1 ? "" : "s")
                        + " but the first line has " + columns);
            }
            String where = name + ", line " + line;
            for (int c = 0; c < n; c++) {
                switch (roles[c]) {
                    case INPUT:
                        features.add(number(c), where);
                        break;
                    case TARGET:
                        targets.add(number(c), where);
                        break;
                    case LABEL:
                        oneHot(label(c), where);
                        break;
                    default:
                        break;
                }
            }
            if (rows == Integer.MAX_VALUE) {
                throw new DataFormatException(where + ": more than " + Integer.MAX_VALUE + " rows");
            }
            rows++;
        }

        double number(int c) {
            String problem = splitter.parse(c);
            if (problem != null) {
                throw error(c, problem);
            }
            return splitter.value();
        }

        int label(int c) {
            double v = number(c);
            int classes = format.classes();
            if (v != Math.rint(v) || v < 0 || v >= classes) {
                throw error(c, "label " + clip(splitter.text(c).trim()) + " is not a class index in 0.." + (classes - 1)
                        + " (--classes " + classes + ")");
            }
            return (int) v;
        }

        void oneHot(int label, String where) {
            for (int k = 0; k < format.classes(); k++) {
                targets.add(k == label ? 1 : 0, where);
            }
        }

        DataFormatException error(int cell, String problem) {
            return DataFormatException.at(name, line, splitter.column(cell), problem);
        }
    }

    /** Text from the file as it may appear in a message: escaped and cut ({@link Untrusted#escape}). */
    static String clip(String s) {
        return Untrusted.escape(s);
    }

    /** The longest line read: a CSV line is one example (a million 32-digit cells fit). */
    static final int MAX_LINE_BYTES = 1 << 25;

    /** Splits one line into cells, remembering where each starts; unquotes quoted cells. */
    static final class CellSplitter {
        interface Errors {
            DataFormatException error(int cell, String problem);
        }

        private final char delimiter;
        private String line;
        private int count;
        private int[] starts = new int[64];
        private int[] ends = new int[64];
        private String[] unquoted = new String[64];
        private final boolean float64;
        private double value;

        CellSplitter(char delimiter, DType dtype) {
            this.delimiter = delimiter;
            this.float64 = dtype == DType.FLOAT64;
        }

        void split(String text, Errors errors) {
            line = text;
            count = 0;
            int i = 0;
            int n = text.length();
            while (true) {
                ensure(count + 1);
                int start = i;
                int j = i;
                while (j < n && (text.charAt(j) == ' ' || text.charAt(j) == '\t') && text.charAt(j) != delimiter) {
                    j++;
                }
                if (j < n && text.charAt(j) == '"') {
                    StringBuilder b = new StringBuilder();
                    int k = j + 1;
                    while (true) {
                        if (k >= n) {
                            starts[count] = start;
                            count++;
                            throw errors.error(count - 1, "unterminated quoted cell (a quoted cell may not span lines)");
                        }
                        char ch = text.charAt(k);
                        if (ch == '"') {
                            if (k + 1 < n && text.charAt(k + 1) == '"') {
                                b.append('"');
                                k += 2;
                                continue;
                            }
                            k++;
                            break;
                        }
                        b.append(ch);
                        k++;
                    }
                    while (k < n && text.charAt(k) != delimiter) {
                        if (text.charAt(k) != ' ' && text.charAt(k) != '\t') {
                            starts[count] = start;
                            count++;
                            throw errors.error(count - 1, "text after the closing quote of a quoted cell");
                        }
                        k++;
                    }
                    starts[count] = start;
                    ends[count] = k;
                    unquoted[count] = b.toString();
                    count++;
                    i = k;
                } else {
                    int k = i;
                    while (k < n && text.charAt(k) != delimiter) {
                        k++;
                    }
                    starts[count] = start;
                    ends[count] = k;
                    unquoted[count] = null;
                    count++;
                    i = k;
                }
                if (i >= n) {
                    return;
                }
                i++; // past the delimiter
            }
        }

        private void ensure(int size) {
            if (size > starts.length) {
                int cap = Math.max(size, starts.length * 2);
                starts = java.util.Arrays.copyOf(starts, cap);
                ends = java.util.Arrays.copyOf(ends, cap);
                unquoted = java.util.Arrays.copyOf(unquoted, cap);
            }
        }

        int count() {
            return count;
        }

        /** The 1-based character column where cell {@code c} starts. */
        int column(int c) {
            return starts[c] + 1;
        }

        String text(int c) {
            return unquoted[c] != null ? unquoted[c] : line.substring(starts[c], ends[c]);
        }

        /** Parses cell {@code c}: null and {@link #value()} set, or the problem. */
        String parse(int c) {
            String s = unquoted[c] != null ? unquoted[c] : line;
            int from = unquoted[c] != null ? 0 : starts[c];
            int to = unquoted[c] != null ? s.length() : ends[c];
            while (from < to && isBlank(s.charAt(from))) {
                from++;
            }
            while (to > from && isBlank(s.charAt(to - 1))) {
                to--;
            }
            if (from == to) {
                return "empty cell (expected a number)";
            }
            if (Numbers.isSmallInteger(s, from, to)) {
                value = Numbers.smallInteger(s, from, to);
                return null;
            }
            String cell = s.substring(from, to);
            if (!Numbers.isDecimal(s, from, to)) {
                if (Numbers.isNonFiniteName(cell)) {
                    return "non-finite value '" + clip(cell) + "'";
                }
                return "'" + clip(cell) + "' is not a number";
            }
            // Parsed in the storage precision directly: rounding a double to float could round twice.
            double v = float64 ? Double.parseDouble(cell) : Float.parseFloat(cell);
            if (Double.isInfinite(v)) {
                return "value " + clip(cell) + " is outside the " + (float64 ? "float64" : "float32") + " range";
            }
            value = v;
            return null;
        }

        double value() {
            return value;
        }

        private static boolean isBlank(char c) {
            return c == ' ' || c == '\t';
        }
    }

    /** Number syntax: [+-] digits [. digits] [(e|E) [+-] digits], at least one digit before the exponent. */
    static final class Numbers {
        private Numbers() {
        }

        static boolean isNumber(String cell) {
            String t = cell.trim();
            return !t.isEmpty() && isDecimal(t, 0, t.length());
        }

        static boolean isDecimal(String s, int from, int to) {
            int i = from;
            if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int digits = 0;
            while (i < to && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
            if (i < to && s.charAt(i) == '.') {
                i++;
                while (i < to && isDigit(s.charAt(i))) {
                    i++;
                    digits++;
                }
            }
            if (digits == 0) {
                return false;
            }
            if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                int exp = 0;
                while (i < to && isDigit(s.charAt(i))) {
                    i++;
                    exp++;
                }
                if (exp == 0) {
                    return false;
                }
            }
            return i == to;
        }

        /** An optionally signed integer of at most 7 digits: exact in float32 and quick to convert. */
        static boolean isSmallInteger(String s, int from, int to) {
            int i = from;
            if (i < to && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                i++;
            }
            int n = to - i;
            if (n < 1 || n > 7) {
                return false;
            }
            for (; i < to; i++) {
                if (!isDigit(s.charAt(i))) {
                    return false;
                }
            }
            return true;
        }

        static float smallInteger(String s, int from, int to) {
            boolean negative = s.charAt(from) == '-';
            int i = s.charAt(from) == '-' || s.charAt(from) == '+' ? from + 1 : from;
            int v = 0;
            for (; i < to; i++) {
                v = v * 10 + (s.charAt(i) - '0');
            }
            return negative ? -v : v;
        }

        static boolean isNonFiniteName(String cell) {
            String t = cell.toLowerCase(Locale.ROOT);
            if (t.startsWith("+") || t.startsWith("-")) {
                t = t.substring(1);
            }
            return t.equals("nan") || t.equals("inf") || t.equals("infinity");
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
