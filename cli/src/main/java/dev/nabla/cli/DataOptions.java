package dev.nabla.cli;

import dev.nabla.data.CsvFormat;
import dev.nabla.data.CsvLoader;
import dev.nabla.data.DataFormatException;
import dev.nabla.data.DataSource;
import dev.nabla.data.Dataset;
import dev.nabla.data.Features;
import dev.nabla.data.IdxLoader;
import dev.nabla.tensor.DType;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Locale;

/** The options that say where examples come from and how to read them (train, eval, predict). */
final class DataOptions {
    @Option(names = "--targets", paramLabel = "K",
            description = "CSV: the last K columns are the targets (default: as many as the network has outputs).")
    Integer targets;

    @Option(names = "--label-col", paramLabel = "C",
            description = "CSV: column C (0-based index, or a header name) holds a class index, turned into "
                    + "one-hot targets over --classes classes.")
    String labelColumn;

    @Option(names = "--classes", paramLabel = "N",
            description = "Classes of --label-col and of IDX labels (default: the network's outputs).")
    Integer classes;

    @Option(names = "--delimiter", paramLabel = "D", defaultValue = ",",
            description = "CSV cell delimiter: a character, or tab, space, comma, semicolon, pipe (default: ',').")
    String delimiter;

    @Option(names = "--header", negatable = true,
            description = "CSV: the first line is (--header) or is not (--no-header) a header; by default a first "
                    + "line without numbers is taken as a header.")
    Boolean header;

    /** The CSV format these options describe, for a network with {@code outputs} outputs. */
    CsvFormat csvFormat(int outputs, boolean defaultTargets, DType dtype) {
        CsvFormat f = CsvFormat.defaults().withDelimiter(delimiterChar()).withDtype(dtype);
        if (header != null) {
            f = f.withHeader(header ? CsvFormat.Header.PRESENT : CsvFormat.Header.ABSENT);
        }
        if (targets != null && labelColumn != null) {
            throw new IllegalArgumentException("--targets and --label-col are exclusive: targets are either the last "
                    + "K columns or one label column");
        }
        if (labelColumn != null) {
            return f.withLabelColumn(labelColumn, classes != null ? classes : outputs);
        }
        if (targets != null) {
            return f.withTargetColumns(targets);
        }
        return defaultTargets ? f.withTargetColumns(outputs) : f;
    }

    char delimiterChar() {
        switch (delimiter.toLowerCase(Locale.ROOT)) {
            case "tab": case "\\t": return '\t';
            case "space": return ' ';
            case "comma": return ',';
            case "semicolon": return ';';
            case "pipe": return '|';
            default:
                if (delimiter.length() != 1) {
                    throw new IllegalArgumentException("--delimiter '" + delimiter + "': expected one character, or "
                            + "tab, space, comma, semicolon, pipe");
                }
                return delimiter.charAt(0);
        }
    }

    /** Classes for IDX labels and label columns: --classes, else the network's outputs. */
    int classes(int outputs) {
        if (classes != null && classes < 1) {
            throw new IllegalArgumentException("--classes must be positive, got " + classes);
        }
        return classes != null ? classes : outputs;
    }

    /**
     * Loads a labelled CSV or IDX source (not synthetic) for a network with {@code outputs} outputs,
     * storing the values in {@code dtype}.
     */
    Dataset load(DataSource source, IdxLoader.Split defaultSplit, int outputs, DType dtype) throws IOException {
        classes(outputs);
        if (classes != null && classes != outputs) {
            // The one-hot targets must match the network's outputs anyway: refused before a byte is read,
            // rather than after building rows x classes targets (--classes 300000000 on a 170-byte file).
            throw new IllegalArgumentException("--classes " + classes + " but the network gives " + outputs
                    + " outputs: the one-hot targets must match them (leave --classes out, or change --layers)");
        }
        if (source instanceof DataSource.Csv) {
            try {
                return CsvLoader.load(((DataSource.Csv) source).file(), csvFormat(outputs, true, dtype));
            } catch (DataFormatException e) {
                if (targets == null && labelColumn == null && e.getMessage().contains("--targets")) {
                    throw new DataFormatException(e.getMessage() + " (--targets defaults to the network's " + outputs
                            + " outputs: give --layers to match the data, or --targets K / --label-col C)");
                }
                throw e;
            }
        }
        if (source instanceof DataSource.Idx) {
            DataSource.Idx idx = (DataSource.Idx) source;
            return IdxLoader.load(idx.dir(), idx.splitOr(defaultSplit), classes(outputs), dtype);
        }
        throw new IllegalArgumentException("synthetic data is generated by `nabla train` only; give a CSV file or "
                + "idx:DIR");
    }

    /** Loads the inputs of a CSV or IDX source, dropping target columns the options name. */
    Features loadFeatures(DataSource source, IdxLoader.Split defaultSplit, int outputs, DType dtype)
            throws IOException {
        if (source instanceof DataSource.Csv) {
            return CsvLoader.loadFeatures(((DataSource.Csv) source).file(), csvFormat(outputs, false, dtype));
        }
        return load(source, defaultSplit, outputs, dtype).features();
    }

    /** What a source is, for the header lines. */
    static String describe(DataSource source, IdxLoader.Split defaultSplit) {
        if (source instanceof DataSource.Idx) {
            DataSource.Idx idx = (DataSource.Idx) source;
            return "idx:" + idx.dir() + " (" + idx.splitOr(defaultSplit) + " split)";
        }
        return source.toString();
    }
}
