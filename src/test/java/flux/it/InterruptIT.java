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

/** Ctrl-C while streaming: exit 130, files closed, cache removed, no stack trace. */
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
        try (FluxRun flux = FluxRun.start(work, List.of("stream", magnet, "--no-dht", "--bind", "127.0.0.1",
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
}
