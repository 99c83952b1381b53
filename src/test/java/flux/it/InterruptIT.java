package flux.it;

import flux.lab.FluxRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C while streaming: exit 130, files closed, cache removed, no stack trace; and what a
 * stream killed outright leaves in the cache is removed by the next one.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class InterruptIT {
    @Test
    void sigintWhileWaitingForPeersCleansUp() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "lab-runs", "interrupt-" + System.nanoTime()).toAbsolutePath());
        Path cache = work.resolve("cache");
        String hash = "cd".repeat(20);
        // no peer will ever answer: flux sits in the metadata phase with its cache directory created
        // a magnet (its tracker refuses): flux starts its engine and scout from the raw arguments
        // on other threads, which log while the main thread starts too
        String magnet = "magnet:?xt=urn:btih:" + hash + "&tr=http%3A%2F%2F127.0.0.1%3A9%2Fannounce";
        try (FluxRun flux = FluxRun.startInForeground(work, List.of("stream", magnet, "--no-dht", "--bind", "127.0.0.1",
                "--peer-port", "0", "--cache-dir", cache.toString(), "--json", "--timeout", "60"))) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (!Files.isDirectory(cache.resolve(hash)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.isDirectory(cache.resolve(hash)), "flux never created its cache directory");
            new ProcessBuilder("kill", "-INT", Long.toString(flux.process().pid())).start().waitFor();
            assertTrue(flux.process().waitFor(20, TimeUnit.SECONDS), "flux did not stop on SIGINT");
            assertEquals(130, flux.process().exitValue());
            String err = flux.stderr();
            assertFalse(err.contains("Exception") || err.contains("\tat "), err);
            assertFalse(err.contains("SLF4J"), "logging set-up noise on stderr: " + err);
            try (Stream<Path> left = Files.list(cache)) {
                assertEquals(List.of(), left.toList(), "the cache was not cleaned up");
            }
        }
    }

    @Test
    void whatAKilledStreamLeftIsDeletedByTheNextStreamNeverALiveOrKeptDownload() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "lab-runs", "sweep-" + System.nanoTime()).toAbsolutePath());
        Path cache = work.resolve("cache");
        String killed = "a1".repeat(20);
        String live = "b2".repeat(20);
        String next = "c3".repeat(20);
        String kept = "d4".repeat(20);
        // bare info-hashes with the DHT off: each stream sits in the metadata phase, its download
        // directory and lock created
        FluxRun killedRun = FluxRun.start(work, waiting(cache, killed));
        awaitFile(cache.resolve(killed + ".lock"));
        awaitFile(cache.resolve(killed)); // the lock comes first, the directory when the engine opens the torrent
        killedRun.process().destroyForcibly(); // SIGKILL: no cleanup runs
        assertTrue(killedRun.process().waitFor(20, TimeUnit.SECONDS), "flux survived SIGKILL");
        assertTrue(Files.isDirectory(cache.resolve(killed)), "a killed stream leaves its download behind");

        Path keptFile = Files.createDirectories(cache.resolve(kept)).resolve("movie.mkv"); // a --keep download: no lock
        Files.writeString(keptFile, "kept");
        try (FluxRun liveRun = FluxRun.start(work, waiting(cache, live))) {
            awaitFile(cache.resolve(live + ".lock"));
            awaitFile(cache.resolve(live));
            try (FluxRun nextRun = FluxRun.start(work, waiting(cache, next))) {
                long deadline = System.currentTimeMillis() + 30_000; // bounded: the sweep runs as the stream starts
                while ((Files.exists(cache.resolve(killed)) || Files.exists(cache.resolve(killed + ".lock")))
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertFalse(Files.exists(cache.resolve(killed)), "the killed stream's download is still there: " + nextRun.stderr());
                assertFalse(Files.exists(cache.resolve(killed + ".lock")), "its lock file is still there");
                awaitFile(cache.resolve(next + ".lock"));
                assertTrue(Files.isDirectory(cache.resolve(live)) && Files.exists(cache.resolve(live + ".lock")),
                        "a live stream's download was touched");
                assertEquals("kept", Files.readString(keptFile), "a kept download was touched");
                assertTrue(liveRun.process().isAlive() && nextRun.process().isAlive());
            }
        }
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(List.of(cache.resolve(kept)), left.toList(), "the streams that ended did not clean up");
        }
    }

    private static List<String> waiting(Path cache, String infoHash) {
        return List.of("stream", infoHash, "--no-dht", "--bind", "127.0.0.1", "--peer-port", "0",
                "--cache-dir", cache.toString(), "--json", "--port", "0", "--timeout", "60");
    }

    /** Waits (at most 30 s) for a file that a starting flux creates. */
    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(file) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(file), file + " never appeared");
    }
}
