package dev.nabla.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes output files without ever leaving a truncated one and without replacing what is not a
 * regular file:
 *
 * <ul>
 *   <li>a regular file (new or existing) is replaced atomically: the content goes to a temporary
 *       file in the same directory, is flushed and forced to disk, and only then renamed over the
 *       target, so a crash or a full disk mid-write leaves the old file (or none) in place;</li>
 *   <li>a symbolic link is followed: the file it points to is replaced that way and the link stays;</li>
 *   <li>anything else that exists (a character device such as {@code /dev/null}, a FIFO, a
 *       terminal) is written directly, never replaced by a regular file;</li>
 *   <li>a directory is refused.</li>
 * </ul>
 *
 * <p>Temporary files are named {@code .NAME.PID.RANDOM.tmp}; a later write to the same target
 * removes those whose process is gone (killed mid-write). Every error names the target.
 * {@link #checkWritable} checks, before a long computation, that a later {@link #write} can work.
 */
public final class AtomicFiles {
    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content.
         *
         * @param out the stream to write to; buffered, flushed and closed by {@link AtomicFiles}
         * @throws IOException if writing fails; the target is then left as it was
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Symbolic links followed before giving up (Linux's own limit is 40). */
    private static final int MAX_LINKS = 40;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    /** Room left beyond a file's own size when checking free space (file system blocks, the header). */
    private static final long SPACE_MARGIN = 64 * 1024;

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} as the class describes. Removes stale temporary files of the same target
     * first.
     *
     * @param target the file to write (or a link to it, or a device)
     * @param content writes the bytes
     * @throws IOException naming the target, if it is a directory, its directory does not exist, or
     *     writing, forcing or renaming fails (the target is then left as it was)
     */
    public static void write(Path target, Content content) throws IOException {
        Path file = resolveLinks(target);
        if (Files.isDirectory(file)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            writeDirectly(target, file, content);
            return;
        }
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": the directory " + dir + " does not exist");
        }
        removeStaleTemporaries(dir, absolute.getFileName().toString());
        // CREATE_NEW (rather than createTempFile, which makes the file private) keeps the usual
        // permissions of a new file; the random name cannot collide with a concurrent writer's.
        Path tmp = dir.resolve(temporaryName(absolute.getFileName().toString()));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncDirectory(dir);
        } catch (IOException e) {
            throw named(target, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write's own error matters more; a later write removes it
                }
            }
        }
    }

    /** A device, FIFO or terminal: written as it is, in place. */
    private static void writeDirectly(Path target, Path file, Content content) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file, StandardOpenOption.WRITE);
             OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
            content.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw named(target, e);
        }
    }

    /**
     * Checks that {@link #write} can write {@code target}, before the work that produces it: the
     * target is not a directory; an existing device or FIFO is writable; otherwise the directory
     * exists, a file can be created in it (tried: this catches read-only file systems and
     * permissions that a permission check misses), and its file system has {@code bytes} free
     * (0: not checked).
     *
     * @param target the file a later {@link #write} will write; null is accepted and checks nothing
     * @param what names the output for the message, e.g. {@code "--model-out"} or {@code "the model file"}
     * @param bytes the free space to require, or 0 not to check
     * @throws IllegalArgumentException naming {@code what}, the path and the problem
     */
    public static void checkWritable(Path target, String what, long bytes) {
        if (target == null) {
            return;
        }
        String name = what + " " + target;
        Path file;
        try {
            file = resolveLinks(target);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": " + reason(e));
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(name + " is a directory (give a file name)");
        }
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file)) {
                if (!Files.isWritable(file)) {
                    throw new IllegalArgumentException(name + " cannot be written (permission denied)");
                }
                return; // a device or FIFO: written in place, its space is not a file system's
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(name + ": the directory " + dir + " does not exist");
        }
        Path probe = dir.resolve(temporaryName(file.getFileName().toString()));
        try {
            Files.createFile(probe);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot create a file in " + dir + " (" + reason(e) + ")");
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // removed by a later write
            }
        }
        checkSpace(dir, name, bytes);
    }

    /**
     * Refuses when the file system of {@code dir} has fewer than {@code bytes} (plus a 64 KiB margin)
     * usable. Where the free space cannot be read, nothing is checked.
     *
     * @param dir a directory on the file system to check
     * @param name names the output, first in the message
     * @param bytes the bytes to be written; 0 or less checks nothing
     * @throws IllegalArgumentException if there is not enough space
     */
    public static void checkSpace(Path dir, String name, long bytes) {
        if (bytes <= 0) {
            return;
        }
        long usable;
        try {
            usable = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | SecurityException e) {
            return; // not knowable here: the write itself will say
        }
        long needed = MemoryBudget.plus(bytes, SPACE_MARGIN);
        if (usable < needed) {
            throw new IllegalArgumentException(name + ": needs " + MemoryBudget.describe(needed) + " but the file system"
                    + " of " + dir + " has " + MemoryBudget.describe(usable) + " free");
        }
    }

    /**
     * The file {@code target} stands for: itself, or what its chain of symbolic links ends at
     * (which may not exist yet).
     *
     * @param target a path
     * @return {@code target} itself, or the end of its chain of links
     * @throws IOException if a link cannot be read or the chain is longer than 40 links
     */
    public static Path resolveLinks(Path target) throws IOException {
        if (Files.exists(target)) {
            // The kernel follows the links, /proc's "magic" ones (/dev/stdout) included.
            return Files.isRegularFile(target) && Files.isSymbolicLink(target) ? target.toRealPath() : target;
        }
        Path p = target; // a dangling link: what it names is created
        for (int i = 0; i < MAX_LINKS; i++) {
            if (!Files.isSymbolicLink(p)) {
                return p;
            }
            Path link = Files.readSymbolicLink(p);
            Path parent = p.toAbsolutePath().getParent();
            p = parent == null ? link : parent.resolve(link);
        }
        throw new FileSystemException(target.toString(), null, "more than " + MAX_LINKS + " symbolic links");
    }

    private static String temporaryName(String fileName) {
        return "." + fileName + "." + ProcessHandle.current().pid() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp";
    }

    /**
     * The temporary files of {@code fileName}: {@code .NAME.PID.HEX.tmp} (and {@code .NAME.HEX.tmp}
     * of older versions). Group 1 is the process id, when present.
     *
     * @param fileName the target's file name, without directory
     * @return a pattern matching the temporary files' names
     */
    public static Pattern temporaryPattern(String fileName) {
        return Pattern.compile(Pattern.quote("." + fileName + ".") + "(?:([0-9]{1,19})\\.)?[0-9a-f]{1,16}\\.tmp");
    }

    /**
     * Deletes the temporary files of {@code fileName} in {@code dir} left by a writer that is no
     * longer running (killed mid-write): those whose process id names no live process. Those of
     * older versions (no process id) are removed too. Failures are ignored: cleaning up is a
     * courtesy.
     *
     * @param dir the directory
     * @param fileName the target's file name, without directory
     */
    public static void removeStaleTemporaries(Path dir, String fileName) {
        Pattern pattern = temporaryPattern(fileName);
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "." + globEscape(fileName) + ".*.tmp")) {
            for (Path p : files) {
                Matcher m = pattern.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (m.group(1) != null) {
                    long pid;
                    try {
                        pid = Long.parseLong(m.group(1));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    if (pid == self || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue; // a live writer's (or this process's own)
                    }
                }
                Files.deleteIfExists(p);
            }
        } catch (IOException | SecurityException e) {
            // Cleaning up is a courtesy: the write goes on.
        }
    }

    private static String globEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("*?[]{}\\".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * The reason of a file-system failure without the path Java puts in front of it.
     *
     * @param e the failure
     * @return e.g. {@code permission denied}, {@code no such file or directory}
     */
    public static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static IOException named(Path target, IOException e) {
        String m = e.getMessage();
        if (m != null && m.startsWith("cannot write " + target)) {
            return e;
        }
        return new IOException("cannot write " + target + ": " + reason(e), e);
    }

    /** Makes the rename itself durable where the platform allows opening a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not possible on every platform (e.g. Windows); the rename is still atomic.
        }
    }
}
