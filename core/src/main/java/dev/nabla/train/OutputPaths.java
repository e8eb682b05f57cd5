package dev.nabla.train;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks, before any training, that an output file can be written where the user asked. */
final class OutputPaths {
    private OutputPaths() {
    }

    /** Throws a one-line error naming {@code what} and the path when it cannot be written; null passes. */
    static void checkWritable(Path file, String what) {
        if (file == null) {
            return;
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(what + " " + file + " is a directory");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(what + " " + file + ": the directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir) && !(Files.exists(file) && Files.isWritable(file) && !Files.isRegularFile(file))) {
            throw new IllegalArgumentException(what + " " + file + ": the directory " + dir + " is not writable");
        }
    }
}
