package dev.nabla.data;

import dev.nabla.io.MemoryBudget;
import dev.nabla.tensor.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads an MNIST-style data set from a directory holding the standard IDX file names: images
 * scaled to [0, 1] (byte / 255) become the inputs, one per pixel; labels become one-hot targets.
 * The file names are MNIST's ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}), also with {@code .gz} or spelled
 * {@code -images.idx3-ubyte}; gzip is recognised by its bytes. Sizes are checked against the memory
 * budget from the headers alone, before any data is read.
 *
 * @see IdxFile
 */
public final class IdxLoader {
    /** Which half of an MNIST-style directory. */
    public enum Split {
        /** The training files, {@code train-*}. */
        TRAIN("train"),
        /** The test files, {@code t10k-*}. */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /**
         * Parses {@code train} or {@code test} (exactly: case-sensitive, no white space).
         *
         * @param text the name
         * @return the split
         * @throws IllegalArgumentException for any other text
         */
        public static Split parse(String text) {
            switch (text) {
                case "train":
                    return TRAIN;
                case "test":
                    return TEST;
                default:
                    throw new IllegalArgumentException("unknown IDX split '" + text + "': expected train or test");
            }
        }

        @Override
        public String toString() {
            return this == TRAIN ? "train" : "test";
        }
    }

    private IdxLoader() {
    }

    /**
     * The images file of {@code split} in {@code dir} ({@code train-images-idx3-ubyte[.gz]} and variants).
     *
     * @param dir the directory
     * @param split the split
     * @return the first of the accepted names that is a regular file
     * @throws IllegalArgumentException if {@code dir} is not a directory or holds no such file (the
     *     message lists the names tried)
     */
    public static Path imagesFile(Path dir, Split split) {
        return find(dir, split, "images", "idx3");
    }

    /**
     * The labels file of {@code split} in {@code dir} ({@code train-labels-idx1-ubyte[.gz]} and variants).
     *
     * @param dir the directory
     * @param split the split
     * @return the first of the accepted names that is a regular file
     * @throws IllegalArgumentException if {@code dir} is not a directory or holds no such file
     */
    public static Path labelsFile(Path dir, Split split) {
        return find(dir, split, "labels", "idx1");
    }

    /**
     * Loads {@code split} of the directory in float32; labels must be below {@code classes}.
     *
     * @param dir the directory
     * @param split the split
     * @param classes the number of one-hot targets, e.g. 10
     * @return the data set: one input per pixel, {@code classes} outputs
     * @throws IllegalArgumentException if {@code classes} is out of range or a file is missing
     * @throws DataFormatException if a file is malformed, the counts differ, or a label is too large
     * @throws IOException if reading fails
     */
    public static Dataset load(Path dir, Split split, int classes) throws IOException {
        return load(dir, split, classes, DType.FLOAT32);
    }

    /**
     * Loads {@code split} of the directory, stored in {@code dtype}; labels must be below {@code classes}.
     *
     * @param dir the directory
     * @param split the split
     * @param classes the number of one-hot targets, e.g. 10
     * @param dtype the precision to store the values in
     * @return the data set: one input per pixel, {@code classes} outputs
     * @throws IllegalArgumentException if {@code classes} is out of range or a file is missing
     * @throws DataFormatException if a file is malformed, the counts differ, or a label is too large
     * @throws IOException if reading fails
     */
    public static Dataset load(Path dir, Split split, int classes, DType dtype) throws IOException {
        return load(imagesFile(dir, split), labelsFile(dir, split), classes, dtype);
    }

    /**
     * Loads an images file and a labels file; labels must be below {@code classes}.
     *
     * @param imagesFile the images, [n, d1, d2...] unsigned bytes
     * @param labelsFile the labels, [n] unsigned bytes
     * @param classes the number of one-hot targets, 1 to {@link CsvFormat#MAX_CLASSES}
     * @param dtype the precision to store the values in
     * @return the data set: one input per pixel, {@code classes} outputs
     * @throws IllegalArgumentException if {@code classes} is out of range
     * @throws DataFormatException if a file is malformed, the counts differ, or a label is too large
     * @throws dev.nabla.io.MemoryLimitException if the data set would not fit in memory
     * @throws IOException if reading fails
     */
    public static Dataset load(Path imagesFile, Path labelsFile, int classes, DType dtype) throws IOException {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be positive, got " + classes);
        }
        CsvFormat.checkClasses(classes);
        // What the data set will take, from the headers alone, before any data is read.
        int[] imageDims = IdxFile.readDimensions(imagesFile);
        int[] labelDims = IdxFile.readDimensions(labelsFile);
        long pixels = 1;
        for (int d : imageDims) {
            pixels *= d; // at most ValueArrayBuilder.MAX_LENGTH, checked by the reader
        }
        long items = imageDims[0];
        long bytes = MemoryBudget.plus(MemoryBudget.plus(pixels, labelDims[0]), MemoryBudget.times(MemoryBudget.plus(
                pixels, MemoryBudget.times(items, classes)), dtype.bytes()));
        MemoryBudget.require(imagesFile + " with --classes " + classes, items + " images of " + (pixels / items)
                + " pixels as " + dtype + " inputs, with one-hot targets over " + classes + " classes,", bytes);
        IdxFile labels = IdxFile.read(labelsFile);
        if (labels.dims().length != 1) {
            throw new DataFormatException(labelsFile + ": a labels file has 1 dimension, this one has "
                    + labels.dims().length);
        }
        IdxFile images = IdxFile.read(imagesFile);
        return toDataset(images, imagesFile.toString(), labels, labelsFile.toString(), classes, dtype);
    }

    /**
     * Images [n, d1, d2...] scaled to [0, 1] (byte / 255, computed in {@code dtype}) and labels [n]
     * one-hot over {@code classes}.
     *
     * @param images the images, [n, d1, d2...]
     * @param imagesName names the images in messages
     * @param labels the labels, whose first dimension must be n
     * @param labelsName names the labels in messages
     * @param classes the number of one-hot targets, above every label
     * @param dtype the precision to store the values in
     * @return the data set
     * @throws IllegalArgumentException if {@code classes} is not positive
     * @throws DataFormatException if the shapes do not match or a label is too large
     */
    public static Dataset toDataset(IdxFile images, String imagesName, IdxFile labels, String labelsName, int classes,
                                    DType dtype) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be positive, got " + classes);
        }
        int[] dims = images.dims();
        if (dims.length < 2) {
            throw new DataFormatException(imagesName + ": an images file has at least 2 dimensions (count, pixels...),"
                    + " this one has " + dims.length);
        }
        int n = dims[0];
        int count = labels.dims()[0];
        if (count != n) {
            throw new DataFormatException(imagesName + " holds " + n + " images but " + labelsName + " holds " + count
                    + " labels");
        }
        int inputs = images.data().length / n;
        long targetCount = (long) n * classes;
        if (targetCount > ValueArrayBuilder.MAX_LENGTH) {
            throw new DataFormatException(labelsName + ": " + n + " labels x " + classes + " classes is too many targets");
        }
        byte[] labelBytes = labels.data();
        int[] hot = new int[n];
        for (int i = 0; i < n; i++) {
            int label = labelBytes[i] & 0xff;
            if (label >= classes) {
                throw new DataFormatException(labelsName + ": label " + label + " of item " + i + " is outside 0.."
                        + (classes - 1) + " (the network has " + classes + " outputs)");
            }
            hot[i] = i * classes + label;
        }
        byte[] pixels = images.data();
        if (dtype == DType.FLOAT64) {
            double[] y = new double[(int) targetCount];
            for (int h : hot) {
                y[h] = 1;
            }
            double[] x = new double[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                x[i] = (pixels[i] & 0xff) / 255.0;
            }
            return new Dataset(n, inputs, classes, x, y);
        }
        float[] y = new float[(int) targetCount];
        for (int h : hot) {
            y[h] = 1f;
        }
        float[] x = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            x[i] = (pixels[i] & 0xff) / 255f;
        }
        return new Dataset(n, inputs, classes, x, y);
    }

    private static Path find(Path dir, Split split, String kind, String idx) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("idx:" + dir + ": no such directory");
        }
        List<String> tried = new ArrayList<>();
        for (String sep : new String[] {"-", "."}) {
            String base = split.prefix + "-" + kind + sep + idx + "-ubyte";
            for (String name : new String[] {base, base + ".gz"}) {
                tried.add(name);
                Path p = dir.resolve(name);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("idx:" + dir + ": no " + split + " " + kind + " file (looked for "
                + String.join(", ", tried) + ")");
    }
}
