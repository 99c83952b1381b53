package flux.it;

import flux.FluxProcess;
import flux.lab.Aria2;
import flux.lab.FluxRun;
import flux.lab.Heap;
import flux.lab.Net;
import flux.lab.OpenTracker;
import flux.lab.Tools;
import flux.seed.TorrentCreator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 500 torrents from one process, paths from stdin; aria2c fetches a few; a restart re-hashes nothing. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SeedBatchIT {
    private static final int COUNT = 500;
    /** bt's record of one messaging agent's method, made when its compiler looks an agent class up. */
    private static final String COMPILED_METHOD = "bt.torrent.compiler.ConsumerInfo";

    @Test
    void fiveHundredTorrentsFromStdinAndAFastRestart() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "lab-runs", "batch-" + System.nanoTime()).toAbsolutePath());
        Random random = new Random(500);
        int trackerPort = Net.freePort("127.0.0.1");
        String announce = "http://127.0.0.1:" + trackerPort + "/announce";
        TorrentCreator.Options options = new TorrentCreator.Options(List.of(announce), List.of(), 32 * 1024, false, null, null, "flux");
        List<Path> files = new ArrayList<>();
        List<TorrentCreator.Created> torrents = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            byte[] data = new byte[20_000 + random.nextInt(40_000)];
            random.nextBytes(data);
            Path f = Files.write(Files.createDirectories(work.resolve("data")).resolve(String.format("clip-%03d.bin", i)), data);
            files.add(f);
            torrents.add(TorrentCreator.create(f, options));
        }
        List<String> args = List.of("seed", "-", "--no-dht", "--bind", Net.freshLoopback(), "--peer-port", "0", "--json",
                "--state", work.resolve("state").toString(), "-t", announce, "--piece-size", "32K", "--status-interval", "0");
        try (OpenTracker tracker = OpenTracker.start(work.resolve("tracker"), "127.0.0.1", trackerPort,
                torrents.stream().map(TorrentCreator.Created::infoHash).toList())) {
            long first = seedAll(work, args, files, torrents, tracker);
            long restart = seedAll(work, args, files, torrents, null);
            System.out.printf("batch: %d torrents ready in %d ms first time, %d ms on restart%n", COUNT, first, restart);
        }
    }

    @Test
    void aSeedThatRunsOutOfMemorySaysSoInOneLine() throws Exception {
        // ~32 KB of heap per torrent (bt's routing and metadata): 2000 torrents in 24 MiB cannot fit
        Path work = Files.createDirectories(Path.of("target", "lab-runs", "oom-" + System.nanoTime()).toAbsolutePath());
        StringBuilder paths = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            paths.append(Files.write(work.resolve("f" + i + ".bin"), new byte[]{(byte) i, (byte) (i >> 8)})).append('\n');
        }
        ProcessBuilder builder = FluxProcess.builder(List.of("seed", "-", "--no-dht", "--bind", Net.freshLoopback(),
                "--peer-port", "0", "--json", "--state", work.resolve("state").toString(), "--status-interval", "0"));
        builder.command().replaceAll(a -> a.startsWith("-Xm") ? "-Xmx24m" : a);
        Process flux = builder.redirectOutput(work.resolve("out").toFile()).redirectError(work.resolve("err").toFile()).start();
        try {
            try (OutputStream stdin = flux.getOutputStream()) {
                stdin.write(paths.toString().getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException gone) {
                // it ran out before it read them all
            }
            assertTrue(flux.waitFor(120, TimeUnit.SECONDS), "flux did not end");
            String stderr = Files.readString(work.resolve("err"));
            assertEquals(5, flux.exitValue(), stderr);
            String last = stderr.strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("flux: out of memory (") && last.contains("give it more with FLUX_JAVA_OPTS=-Xmx"), stderr);
            assertTrue(stderr.lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), stderr);
        } finally {
            flux.destroyForcibly();
        }
    }

    /** The threads of a process on Linux, from /proc. */
    private static int threads(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("Threads:")).mapToInt(l -> Integer.parseInt(l.substring(8).trim()))
                .findFirst().orElseThrow();
    }

    /**
     * Seeds all files; returns ms until all are ready. With a tracker to fetch through, aria2c
     * downloads three of them; without, it is a restart, which must hash nothing.
     */
    private static long seedAll(Path work, List<String> args, List<Path> files, List<TorrentCreator.Created> torrents,
                                OpenTracker fetchThrough) throws Exception {
        long start = System.nanoTime();
        try (FluxRun flux = FluxRun.start(work, args)) {
            try (OutputStream stdin = flux.process().getOutputStream()) {
                for (Path f : files) {
                    stdin.write((f + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            String[] readyEvents = new String[COUNT];
            java.util.Arrays.fill(readyEvents, "ready");
            List<String> lines = flux.awaitEvents(240, readyEvents);
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            assertEquals(COUNT, lines.stream().filter(l -> l.contains("\"event\":\"ready\"")).count());
            // bt kept two threads per torrent (a stage that sleeps until the torrent stops, a status
            // timer): over 1000 here, 4000 for 2000 files. flux's do not grow with the torrents
            // (~110 here just after the start, bt's pool of start-up threads not yet idle for its minute)
            int threads = threads(flux.process().pid());
            assertTrue(threads < COUNT / 2, COUNT + " torrents seeding with " + threads + " threads");
            // bt's router per torrent compiled every messaging agent's methods anew (22 of them, kept
            // for the torrent's life: ~8 KB a torrent); flux's routers share one compilation
            long compiled = Heap.instances(flux.process().pid(), Set.of(COMPILED_METHOD)).get(COMPILED_METHOD);
            assertTrue(compiled < COUNT, COUNT + " torrents holding " + compiled + " compiled agent methods");
            if (fetchThrough == null) {
                assertTrue(lines.stream().allMatch(l -> !l.contains("\"event\":\"ready\"") || l.contains("\"recheckedPieces\":0")),
                        "a restart with unchanged files must not re-hash anything");
            }
            if (fetchThrough != null) {
                for (int i : new int[]{7, 250, 493}) {
                    // aria2c's only announce must find flux there
                    fetchThrough.awaitPeer(torrents.get(i).infoHash(), "flux's seed of " + files.get(i).getFileName());
                    Path torrent = Files.write(work.resolve("t" + i + ".torrent"), torrents.get(i).torrent());
                    Path into = work.resolve("aria2-" + i);
                    Aria2.download(torrent, into, Net.freshLoopback(), 60);
                    assertEquals(Tools.sha256(files.get(i)), Tools.sha256(into.resolve(files.get(i).getFileName())));
                }
            }
            flux.process().destroy();
            assertTrue(flux.process().waitFor(30, TimeUnit.SECONDS), "flux seed did not stop on SIGTERM");
            assertEquals(0, flux.process().exitValue(), flux.stderr());
            return elapsed;
        }
    }
}
