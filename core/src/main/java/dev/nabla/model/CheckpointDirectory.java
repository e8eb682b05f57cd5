package dev.nabla.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of per-epoch checkpoints named {@code checkpoint-epoch-NNNNNN.safetensors} (the
 * number of epochs done), owned by one training run at a time.
 *
 * <p>{@link #open} takes the directory's lock (a second live run on it is refused, in this JVM or
 * another) and removes the temporary files a killed writer left behind. Each checkpoint is written
 * atomically; after each save only the newest {@code keep} are kept, and the one just written is
 * never among those deleted. The static {@link #epochsIn} and {@link #latestIn} only look.
 *
 * <p>Close it to release the lock (the OS releases it too when the process dies). One instance is
 * used from one thread at a time. Checkpoint numbers have 6 to 9 digits; files of other names in the
 * directory are ignored.
 */
public final class CheckpointDirectory implements AutoCloseable {
    /** The lock file: it holds the pid of the process that owns the directory. */
    public static final String LOCK_FILE = ".nabla-checkpoints.lock";
    private static final Pattern NAME = Pattern.compile("checkpoint-epoch-([0-9]{6,10})\\.safetensors");
    /** AtomicFiles' temporary names: "." + target name + "." + pid + "." + random hex + ".tmp" (no pid before). */
    private static final Pattern TEMPORARY = Pattern.compile(
            "\\.checkpoint-epoch-[0-9]{6,10}\\.safetensors\\.(?:[0-9]{1,19}\\.)?[0-9a-f]{1,16}\\.tmp");

    private final Path dir;
    private final int keep;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private CheckpointDirectory(Path dir, int keep, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.keep = keep;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens {@code dir} (creating it) for one run: takes its lock and removes stale temporary files.
     *
     * @param dir the directory; created with its parents if missing
     * @param keep how many checkpoints to keep after each save, at least 1
     * @return the open directory, holding its lock
     * @throws IllegalArgumentException when {@code keep} is below 1 or {@code dir} is a file
     * @throws IllegalStateException when another live run holds the directory
     * @throws IOException           when the directory cannot be created or locked
     */
    public static CheckpointDirectory open(Path dir, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("checkpoint directory " + dir + " is a file, not a directory");
        }
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String owner = readOwner(channel);
            channel.close();
            throw new IllegalStateException("checkpoint directory " + dir + " is in use by another training run"
                    + (owner.isEmpty() ? "" : " (process " + owner + ")") + ": wait for it or use another directory");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            removeStaleTemporaries(dir);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
        return new CheckpointDirectory(dir, keep, channel, lock);
    }

    private static String readOwner(FileChannel channel) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            channel.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return s.matches("[0-9]{1,19}") ? s : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Deletes the temporary files of writers that died mid-write; only the lock holder may. */
    private static void removeStaleTemporaries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (TEMPORARY.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * The directory.
     *
     * @return the path given to {@link #open}
     */
    public Path dir() {
        return dir;
    }

    /**
     * The file of the checkpoint taken after {@code epochsDone} epochs.
     *
     * @param epochsDone the epochs completed
     * @return {@code dir/checkpoint-epoch-NNNNNN.safetensors}
     */
    public Path fileFor(int epochsDone) {
        return fileFor(dir, epochsDone);
    }

    private static Path fileFor(Path dir, int epochsDone) {
        return dir.resolve(String.format(Locale.ROOT, "checkpoint-epoch-%06d.safetensors", epochsDone));
    }

    /**
     * Writes {@code c} atomically, then deletes all but the newest {@code keep} checkpoints; the one
     * just written always stays.
     *
     * @param c the checkpoint
     * @return the file written
     * @throws IllegalStateException if this directory was closed
     * @throws IOException if writing or deleting fails
     */
    public Path save(Checkpoint c) throws IOException {
        requireOpen();
        Path file = fileFor(c.epochsDone());
        c.save(file);
        List<Integer> others = epochs();
        others.remove(Integer.valueOf(c.epochsDone()));
        for (int i = 0; i < others.size() - (keep - 1); i++) {
            Files.deleteIfExists(fileFor(others.get(i)));
        }
        return file;
    }

    /**
     * Deletes every checkpoint in the directory (a run told to overwrite an earlier one's).
     *
     * @throws IllegalStateException if this directory was closed
     * @throws IOException if deleting fails
     */
    public void deleteAll() throws IOException {
        requireOpen();
        for (int e : epochs()) {
            Files.deleteIfExists(fileFor(e));
        }
    }

    /**
     * The newest checkpoint file, if any.
     *
     * @return the file of the highest epoch, or empty
     * @throws IOException if listing the directory fails
     */
    public Optional<Path> latest() throws IOException {
        return latestIn(dir);
    }

    /**
     * The epoch numbers of the checkpoints present, ascending.
     *
     * @return a new, modifiable list
     * @throws IOException if listing the directory fails
     */
    public List<Integer> epochs() throws IOException {
        return epochsIn(dir);
    }

    /**
     * The newest checkpoint file in {@code dir}, if any (no lock taken).
     *
     * @param dir the directory
     * @return the file of the highest epoch, or empty (also when {@code dir} does not exist)
     * @throws IOException if listing the directory fails
     */
    public static Optional<Path> latestIn(Path dir) throws IOException {
        List<Integer> epochs = epochsIn(dir);
        return epochs.isEmpty() ? Optional.empty() : Optional.of(fileFor(dir, epochs.get(epochs.size() - 1)));
    }

    /**
     * The epoch numbers of the checkpoints in {@code dir}, ascending; empty when it does not exist.
     *
     * @param dir the directory
     * @return a new, modifiable list
     * @throws IOException if listing the directory fails
     */
    public static List<Integer> epochsIn(Path dir) throws IOException {
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

    private void requireOpen() {
        if (!lock.isValid()) {
            throw new IllegalStateException("checkpoint directory " + dir + " was closed");
        }
    }

    /**
     * Releases the directory's lock. The checkpoints stay.
     *
     * @throws IOException if closing the lock file fails
     */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
        }
    }
}
