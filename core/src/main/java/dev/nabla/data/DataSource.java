package dev.nabla.data;

import java.nio.file.Path;

/**
 * Where examples come from, as written on the command line: {@code synthetic} (the seeded teacher
 * network), {@code idx:DIR}, {@code idx:DIR:train}, {@code idx:DIR:test} (an MNIST-style
 * directory), or a CSV file ({@code FILE} or {@code csv:FILE}). {@link #parse} reads the text;
 * loading is the caller's ({@link CsvLoader}, {@link IdxLoader},
 * {@code dev.nabla.seeds.SyntheticTeacher}). Each source's {@code toString()} gives its spec back.
 */
public sealed interface DataSource permits DataSource.Synthetic, DataSource.Csv, DataSource.Idx {
    /** The seeded synthetic teacher set. */
    record Synthetic() implements DataSource {
        @Override
        public String toString() {
            return "synthetic";
        }
    }

    /**
     * A CSV file.
     *
     * @param file the file's path
     */
    record Csv(Path file) implements DataSource {
        @Override
        public String toString() {
            return file.toString();
        }
    }

    /**
     * An MNIST-style directory.
     *
     * @param dir the directory holding the IDX files
     * @param split the split named in the spec, or null when the command chooses (train or test)
     */
    record Idx(Path dir, IdxLoader.Split split) implements DataSource {
        /**
         * The split to read: the explicit one, or {@code byDefault}.
         *
         * @param byDefault the command's choice
         * @return the split named in the spec, else {@code byDefault}
         */
        public IdxLoader.Split splitOr(IdxLoader.Split byDefault) {
            return split != null ? split : byDefault;
        }

        @Override
        public String toString() {
            return "idx:" + dir + (split == null ? "" : ":" + split);
        }
    }

    /**
     * Parses a data-source spec. Anything that is neither {@code synthetic} nor {@code idx:...} is
     * taken as a CSV file's path (no file system access here).
     *
     * @param spec the text, e.g. {@code idx:data/mnist:test}
     * @return the source
     * @throws IllegalArgumentException if the spec is empty or names no directory or file
     */
    static DataSource parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty data source: expected synthetic, FILE.csv or idx:DIR[:train|test]");
        }
        if (spec.equals("synthetic")) {
            return new Synthetic();
        }
        if (spec.startsWith("idx:")) {
            String rest = spec.substring(4);
            IdxLoader.Split split = null;
            for (String s : new String[] {"train", "test"}) {
                if (rest.endsWith(":" + s)) {
                    split = IdxLoader.Split.parse(s);
                    rest = rest.substring(0, rest.length() - s.length() - 1);
                }
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("'" + spec + "': idx: needs a directory, e.g. idx:data/mnist");
            }
            return new Idx(Path.of(rest), split);
        }
        String file = spec.startsWith("csv:") ? spec.substring(4) : spec;
        if (file.isEmpty()) {
            throw new IllegalArgumentException("'" + spec + "': csv: needs a file name");
        }
        return new Csv(Path.of(file));
    }
}
