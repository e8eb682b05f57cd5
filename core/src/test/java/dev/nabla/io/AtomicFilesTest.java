package dev.nabla.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, cases 3, 4 and 8: outputs are checked first, devices and links are not replaced, leftovers go. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private static AtomicFiles.Content text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRegularFileIsReplacedAndNoTemporaryStays() throws IOException {
        Path f = dir.resolve("out.csv");
        AtomicFiles.write(f, text("one"));
        AtomicFiles.write(f, text("two"));
        assertEquals("two", Files.readString(f));
        assertEquals(List.of("out.csv"), names());
    }

    @Test
    void aLinkStaysAndItsFileIsReplaced() throws IOException {
        Path real = dir.resolve("real.csv");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), real.getFileName());
        AtomicFiles.write(link, text("new"));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.csv"), Path.of("made.csv"));
        AtomicFiles.write(dangling, text("made"));
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("made", Files.readString(dir.resolve("made.csv")));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void devicesAreWrittenInPlaceNeverReplaced() throws IOException {
        Path devNull = Path.of("/dev/null");
        AtomicFiles.write(devNull, text("nothing"));
        assertFalse(Files.isRegularFile(devNull), "/dev/null is still a device");
        Path link = Files.createSymbolicLink(dir.resolve("null-link"), devNull);
        AtomicFiles.write(link, text("nothing"));
        assertTrue(Files.isSymbolicLink(link));
        AtomicFiles.checkWritable(devNull, "--out", 1L << 50); // no free-space check on a device
        // a full device: the error names the path
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(Path.of("/dev/full"), text("x")));
        assertEquals("cannot write /dev/full: No space left on device", e.getMessage());
        assertFalse(Files.isRegularFile(Path.of("/dev/full")));
    }

    @Test
    void directoriesAndMissingDirectoriesAreNamed() {
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(Path.of("/"), text("x")));
        assertEquals("cannot write /: it is a directory", e.getMessage());
        Path missing = dir.resolve("no/such/out.csv");
        e = assertThrows(IOException.class, () -> AtomicFiles.write(missing, text("x")));
        assertTrue(e.getMessage().startsWith("cannot write " + missing + ": the directory "), e.getMessage());

        assertEquals("--model-out / is a directory (give a file name)", assertThrows(IllegalArgumentException.class,
                () -> AtomicFiles.checkWritable(Path.of("/"), "--model-out", 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AtomicFiles.checkWritable(missing, "--out", 0))
                .getMessage().contains("the directory " + dir.resolve("no/such") + " does not exist"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aDirectoryWhereNoFileCanBeCreatedIsFoundBeforeAnyWork() {
        // /proc refuses new files even to root, as a read-only file system does.
        String m = assertThrows(IllegalArgumentException.class,
                () -> AtomicFiles.checkWritable(Path.of("/proc/model.safetensors"), "--model-out", 0)).getMessage();
        assertTrue(m.startsWith("--model-out /proc/model.safetensors: cannot create a file in /proc"), m);
    }

    @Test
    void tooLittleFreeSpaceIsFoundBeforeAnyWork() throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        Path f = dir.resolve("model.safetensors");
        String m = assertThrows(IllegalArgumentException.class,
                () -> AtomicFiles.checkWritable(f, "--model-out", free + (1L << 30))).getMessage();
        assertTrue(m.startsWith("--model-out " + f + ": needs ") && m.contains(" free"), m);
        AtomicFiles.checkWritable(f, "--model-out", 1000);
        assertEquals(List.of(), names(), "the check leaves nothing behind");
    }

    @Test
    void temporariesOfDeadWritersAreRemovedAndLiveOnesKept() throws Exception {
        Process gone = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        long dead = gone.pid();
        long live = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        Files.write(dir.resolve(".model.safetensors." + dead + ".1f2e3d.tmp"), new byte[79]);
        Files.write(dir.resolve(".model.safetensors.0a1b2c3d.tmp"), new byte[0]); // an older version's name
        Files.write(dir.resolve(".model.safetensors." + live + ".abc.tmp"), new byte[1]);
        Files.write(dir.resolve(".other.safetensors." + dead + ".abc.tmp"), new byte[1]);
        AtomicFiles.write(dir.resolve("model.safetensors"), text("m"));
        assertEquals(List.of(".model.safetensors." + live + ".abc.tmp", ".other.safetensors." + dead + ".abc.tmp",
                "model.safetensors"), names());
    }
}
