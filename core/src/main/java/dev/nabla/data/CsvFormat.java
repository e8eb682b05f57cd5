package dev.nabla.data;

import dev.nabla.tensor.DType;

import java.util.Objects;

/**
 * How to read a CSV file: the delimiter, whether the first line is a header, and which columns
 * are targets. Targets are either the last {@code K} columns taken as they are, or one label column
 * holding a class index in {@code 0 .. classes-1} that becomes a one-hot row. Every other column
 * is an input. Values are stored in float32 unless {@link #withDtype} asks for float64 (each cell is
 * then parsed as a double, so a float64 run sees the file's digits, not a float32 rounding of them).
 *
 * <p>Immutable: each {@code with...} method returns a new format.
 * <pre>{@code
 * CsvFormat format = CsvFormat.defaults().withHeader(CsvFormat.Header.PRESENT).withLabelColumn("species", 3);
 * Dataset iris = CsvLoader.load(Path.of("iris.csv"), format);
 * }</pre>
 */
public final class CsvFormat {
    /** Whether the first line names the columns. */
    public enum Header {
        /** A first line with no number in it is a header; one with only numbers is data. */
        AUTO,
        /** The first line is a header. */
        PRESENT,
        /** The first line is data. */
        ABSENT
    }

    private final char delimiter;
    private final Header header;
    private final int targetColumns;
    private final String labelColumn;
    private final int classes;
    private final DType dtype;

    private CsvFormat(char delimiter, Header header, int targetColumns, String labelColumn, int classes,
                      DType dtype) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || Character.isDigit(delimiter)
                || delimiter == '.' || delimiter == '-' || delimiter == '+') {
            throw new IllegalArgumentException("'" + delimiter + "' cannot be a CSV delimiter");
        }
        this.delimiter = delimiter;
        this.header = Objects.requireNonNull(header, "header");
        this.targetColumns = targetColumns;
        this.labelColumn = labelColumn;
        this.classes = classes;
        this.dtype = Objects.requireNonNull(dtype, "dtype");
    }

    /**
     * Comma-delimited, header detected, no target columns (every column is an input), float32.
     *
     * @return the default format
     */
    public static CsvFormat defaults() {
        return new CsvFormat(',', Header.AUTO, 0, null, 0, DType.FLOAT32);
    }

    /**
     * This format with another delimiter.
     *
     * @param d the delimiter, e.g. {@code ';'} or {@code '\t'}
     * @return a new format
     * @throws IllegalArgumentException if {@code d} is a quote, a line break, a digit, {@code .},
     *     {@code -} or {@code +}
     */
    public CsvFormat withDelimiter(char d) {
        return new CsvFormat(d, header, targetColumns, labelColumn, classes, dtype);
    }

    /**
     * This format with another header rule.
     *
     * @param h whether the first line is a header
     * @return a new format
     * @throws NullPointerException if {@code h} is null
     */
    public CsvFormat withHeader(Header h) {
        return new CsvFormat(delimiter, h, targetColumns, labelColumn, classes, dtype);
    }

    /**
     * The last {@code k} columns are the targets, as they are. Replaces a label column.
     *
     * @param k the number of target columns
     * @return a new format
     * @throws IllegalArgumentException if {@code k} is not positive
     */
    public CsvFormat withTargetColumns(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("--targets must be positive, got " + k);
        }
        return new CsvFormat(delimiter, header, k, null, 0, dtype);
    }

    /**
     * Column {@code column} (a 0-based index, or a name from the header) holds a class index in
     * {@code 0 .. classes-1}, turned into a one-hot row of {@code classes} targets. Replaces target
     * columns.
     *
     * @param column a 0-based column index or a header name (trimmed)
     * @param classes the number of classes, 1 to {@link #MAX_CLASSES}
     * @return a new format
     * @throws NullPointerException if {@code column} is null
     * @throws IllegalArgumentException if {@code column} is blank or {@code classes} is out of range
     */
    public CsvFormat withLabelColumn(String column, int classes) {
        Objects.requireNonNull(column, "column");
        if (column.isBlank()) {
            throw new IllegalArgumentException("--label-col is empty: give a 0-based column index or a header name");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("--classes must be positive, got " + classes);
        }
        checkClasses(classes);
        return new CsvFormat(delimiter, header, 0, column.trim(), classes, dtype);
    }

    /** The most classes a label becomes one-hot over: each row then takes up to 64 MiB of targets. */
    public static final int MAX_CLASSES = 1 << 24;

    /**
     * Refuses more than {@link #MAX_CLASSES} classes, before any row is read.
     *
     * @param classes the number of classes asked for
     * @throws IllegalArgumentException if there are more than {@link #MAX_CLASSES}
     */
    public static void checkClasses(int classes) {
        if (classes > MAX_CLASSES) {
            throw new IllegalArgumentException("--classes " + classes + ": more than " + MAX_CLASSES + " classes (each "
                    + "row's one-hot targets would take " + dev.nabla.io.MemoryBudget.describe(4L * classes) + ")");
        }
    }

    /**
     * Stores the values in {@code dtype}: float32 (the default, compact) or float64 (exact for float64 runs).
     *
     * @param dtype the precision
     * @return a new format
     * @throws NullPointerException if {@code dtype} is null
     */
    public CsvFormat withDtype(DType dtype) {
        return new CsvFormat(delimiter, header, targetColumns, labelColumn, classes, dtype);
    }

    /**
     * The precision values are parsed and stored in.
     *
     * @return float32 or float64
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The cell delimiter.
     *
     * @return the delimiter, {@code ','} by default
     */
    public char delimiter() {
        return delimiter;
    }

    /**
     * Whether the first line is a header.
     *
     * @return the header rule, {@link Header#AUTO} by default
     */
    public Header header() {
        return header;
    }

    /**
     * Number of trailing target columns.
     *
     * @return the count, 0 when none or when a label column is used
     */
    public int targetColumns() {
        return targetColumns;
    }

    /**
     * The label column as given (index or name).
     *
     * @return the column, or null without one
     */
    public String labelColumn() {
        return labelColumn;
    }

    /**
     * The number of classes of the label column.
     *
     * @return the classes, 0 without a label column
     */
    public int classes() {
        return classes;
    }

    /**
     * Whether this format names any targets; {@link CsvLoader#load} needs them.
     *
     * @return true with target columns or a label column
     */
    public boolean hasTargets() {
        return targetColumns > 0 || labelColumn != null;
    }

    /**
     * The number of target values per row this format produces.
     *
     * @return the classes with a label column, else the target columns (0 without targets)
     */
    public int outputs() {
        return labelColumn != null ? classes : targetColumns;
    }
}
