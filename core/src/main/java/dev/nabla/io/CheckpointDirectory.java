package dev.nabla.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of per-epoch checkpoints named {@code checkpoint-epoch-NNNNNN.safetensors} (the
 * number of epochs done). Each is written atomically; the newest {@code keep} are kept.
 */
public final class CheckpointDirectory {
    private static final Pattern NAME = Pattern.compile("checkpoint-epoch-([0-9]{6,9})\\.safetensors");

    private final Path dir;
    private final int keep;

    public CheckpointDirectory(Path dir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
        }
        this.dir = dir;
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    public Path fileFor(int epochsDone) {
        return dir.resolve(String.format(java.util.Locale.ROOT, "checkpoint-epoch-%06d.safetensors", epochsDone));
    }

    /** Writes {@code c} atomically, then deletes all but the newest {@code keep} checkpoints. */
    public Path save(Checkpoint c) throws IOException {
        Files.createDirectories(dir);
        Path file = fileFor(c.epochsDone());
        c.save(file);
        List<Integer> epochs = epochs();
        for (int i = 0; i < epochs.size() - keep; i++) {
            Files.deleteIfExists(fileFor(epochs.get(i)));
        }
        return file;
    }

    /** The newest checkpoint file, if any. */
    public Optional<Path> latest() throws IOException {
        List<Integer> epochs = epochs();
        return epochs.isEmpty() ? Optional.empty() : Optional.of(fileFor(epochs.get(epochs.size() - 1)));
    }

    /** The epoch numbers of the checkpoints present, ascending. */
    public List<Integer> epochs() throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            });
        }
        out.sort(null);
        return out;
    }
}
