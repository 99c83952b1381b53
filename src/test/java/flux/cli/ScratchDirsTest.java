package flux.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In one process; InterruptIT has streams killed, alive and kept side by side. */
class ScratchDirsTest {
    @TempDir
    Path cache;

    private List<String> left() throws IOException {
        try (Stream<Path> list = Files.list(cache)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSweepDeletesWhatNobodyHoldsAndLeavesThisProcesssOwnAndKeptDownloads() throws IOException {
        Files.createDirectories(cache.resolve("dead")).resolve("movie.mkv").toFile().createNewFile();
        Files.createFile(cache.resolve("dead.lock")); // its process is gone: no lock on it
        Files.createDirectories(cache.resolve("old.deleting-1234").resolve("sub")); // a sweep cut short
        Files.createDirectories(cache.resolve("kept")).resolve("movie.mkv").toFile().createNewFile();
        try (ScratchDirs.Claim own = ScratchDirs.claim(cache.resolve("own"))) {
            Files.createDirectories(cache.resolve("own"));

            ScratchDirs.sweep(cache); // never opens this process's own lock file (InterruptIT: that would drop the lock)

            assertEquals(List.of("kept", "own", "own.lock"), left());
            DeleteTree.delete(cache.resolve("own")); // the stream's own cleanup, before the claim is given up
        }
        assertTrue(Files.isRegularFile(cache.resolve("kept/movie.mkv")));
        assertEquals(List.of("kept"), left(), "a claim given up takes its lock file with it");
    }

    @Test
    void aDeletionCutShortAtExitKeepsItsLockFileForTheNextSweep() throws IOException {
        try (ScratchDirs.Claim own = ScratchDirs.claim(cache.resolve("big"))) {
            Files.createDirectories(cache.resolve("big")).resolve("movie.mkv").toFile().createNewFile();
        } // given up with its directory still there, as when deleting it took longer than the exit allows
        assertEquals(List.of("big", "big.lock"), left());

        ScratchDirs.sweep(cache);

        assertEquals(List.of(), left());
    }
}
