package flux.it;

import flux.FluxProcess;
import flux.lab.Aria2;
import flux.lab.FluxRun;
import flux.lab.Heap;
import flux.lab.LibtorrentStreamer;
import flux.lab.Net;
import flux.lab.OpenTracker;
import flux.lab.Tools;
import flux.lab.TorrentMaker;
import flux.lab.TransmissionPeer;
import flux.lab.WirePeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** flux seed / create / info against aria2c, Transmission, mktorrent and transmission-show. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SeedIT {
    private static final Path ROOT = Path.of("target", "lab-runs").toAbsolutePath();

    private static Path workDir(String name) throws Exception {
        return Files.createDirectories(ROOT.resolve(name + "-" + System.nanoTime()));
    }

    /** Deterministic pseudo-random data, so hashes are stable across runs. */
    private static Path randomFile(Path file, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.createDirectories(file.getParent());
        Files.write(file, data);
        return file;
    }

    private static List<String> seedArgs(Path state, String... extra) {
        return seedArgs(state, Net.freshLoopback(), 0, extra);
    }

    private static List<String> seedArgs(Path state, String bind, int peerPort, String... extra) {
        List<String> args = new ArrayList<>(List.of("seed", "--no-dht", "--bind", bind, "--peer-port", Integer.toString(peerPort),
                "--state", state.toString(), "--json", "--status-interval", "0"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void createMatchesMktorrentAndInfoMatchesTransmissionShow() throws Exception {
        Path work = workDir("create");
        Path dir = work.resolve("album");
        randomFile(dir.resolve("b.bin"), 300_000, 1);
        randomFile(dir.resolve("a/c.bin"), 700_001, 2);
        randomFile(dir.resolve("a.bin"), 5, 3);
        String tracker = "http://127.0.0.1:1/announce";
        TorrentMaker.Made reference = TorrentMaker.make(dir, work.resolve("ref.torrent"), tracker, 16);

        FluxProcess.Result created = FluxProcess.run(60, "create", dir.toString(), "-o", work.resolve("flux.torrent").toString(),
                "--piece-size", "64K", "-t", tracker, "--json");
        assertEquals(0, created.exitCode(), created.stderr());
        assertEquals(reference.infoHash(), FluxRun.field(created.stdout(), "infoHash"));
        assertEquals(reference.infoHash(), TorrentMaker.infoHash(work.resolve("flux.torrent")));

        FluxProcess.Result info = FluxProcess.run(60, "info", work.resolve("ref.torrent").toString());
        assertEquals(0, info.exitCode(), info.stderr());
        String show = Tools.run(30, Tools.require("transmission-show"), work.resolve("ref.torrent").toString());
        assertTrue(info.stdout().contains("Info-hash:  " + reference.infoHash()), info.stdout());
        assertTrue(show.contains("Piece Count: " + FluxRun.field(
                FluxProcess.run(60, "info", work.resolve("ref.torrent").toString(), "--json").stdout(), "pieces")), show);
        for (String file : List.of("a.bin", "a/c.bin", "b.bin")) {
            assertTrue(info.stdout().contains("album/" + file) || info.stdout().contains(file), info.stdout());
        }
    }

    @Test
    void webSeedsGoIntoTheTorrentAndItsMagnetAndInfoShowsThem() throws Exception {
        Path work = workDir("web-seeds");
        Path file = randomFile(work.resolve("a.bin"), 10_000, 4);
        Path torrent = work.resolve("a.torrent");
        FluxProcess.Result created = FluxProcess.run(60, "create", file.toString(), "-o", torrent.toString(),
                "-w", "http://seed.example/a.bin", "-w", "http://two.example/", "--json");
        assertEquals(0, created.exitCode(), created.stderr());
        assertTrue(FluxRun.field(created.stdout(), "magnet").endsWith("&ws=http%3A%2F%2Fseed.example%2Fa.bin&ws=http%3A%2F%2Ftwo.example%2F"),
                created.stdout());
        String show = Tools.run(30, Tools.require("transmission-show"), torrent.toString());
        assertTrue(show.contains("WEBSEEDS\n\n  http://seed.example/a.bin\n  http://two.example/\n"), show);
        FluxProcess.Result info = FluxProcess.run(60, "info", torrent.toString());
        assertEquals(0, info.exitCode(), info.stderr());
        assertTrue(info.stdout().contains("Web seeds:  http://seed.example/a.bin http://two.example/\n"), info.stdout());
        assertEquals(FluxRun.field(created.stdout(), "magnet"),
                FluxRun.field(FluxProcess.run(60, "info", torrent.toString(), "--json").stdout(), "magnet"));
    }

    @Test
    void aria2AndTransmissionDownloadWhatFluxSeeds() throws Exception {
        Path work = workDir("seed");
        Path file = randomFile(work.resolve("data/movie.bin"), 6_000_000, 42);
        int trackerPort = Net.freePort("127.0.0.1");
        String announce = "http://127.0.0.1:" + trackerPort + "/announce";
        // mktorrent with the same piece size and tracker gives the same info-hash flux will make
        TorrentMaker.Made made = TorrentMaker.make(file, work.resolve("movie.torrent"), announce, 18);
        String trIp = Net.freshLoopback();
        try (OpenTracker tracker = OpenTracker.start(work.resolve("tracker"), "127.0.0.1", trackerPort, List.of(made.infoHash()));
             TransmissionPeer leecher = TransmissionPeer.start(work.resolve("transmission"), trIp, Net.freePort(trIp), Net.freePort(trIp), 0)) {
            // Transmission never dials loopback peers (it treats 127/8 as martian), so it must be in
            // the swarm first: flux finds it in its first announce and connects to it
            leecher.remote("-a", made.torrent().toString());
            // flux must find Transmission in its first announce: wait until the tracker has it
            tracker.awaitPeer(made.infoHash(), "the Transmission leecher");
            try (FluxRun flux = FluxRun.start(work, seedArgs(work.resolve("state"), file.toString(), "-t", announce, "--piece-size", "256K"))) {
                String ready = flux.awaitEvent("ready", 60);
                assertEquals(made.infoHash(), FluxRun.field(ready, "infoHash"));

                Aria2.download(made.torrent(), work.resolve("aria2"), Net.freshLoopback(), 60);
                assertEquals(Tools.sha256(file), Tools.sha256(work.resolve("aria2/movie.bin")));

                long deadline = System.currentTimeMillis() + 60_000;
                String list = leecher.remote("-l");
                while (!list.contains("100%") && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                    list = leecher.remote("-l");
                }
                assertTrue(list.contains("100%"), "transmission did not finish: " + list);
                assertEquals(Tools.sha256(file), Tools.sha256(leecher.dataDir().resolve("movie.bin")));
            }
        }
    }

    @Test
    void aBlockCancelledAfterItWasSentIsSentAgainWhenAskedAgain() throws Exception {
        // libtorrent's streamer does this as it moves time-critical pieces between peers: bt kept
        // the late Cancel and never answered the new Request, and the leecher stalled for minutes
        Path work = workDir("cancel");
        Path file = randomFile(work.resolve("data/clip.bin"), 1 << 20, 5);
        byte[] block = Arrays.copyOfRange(Files.readAllBytes(file), 3 << 14, 4 << 14); // piece 0, 4th block
        String ip = Net.freshLoopback();
        int port = Net.freePort(ip);
        try (FluxRun flux = FluxRun.start(work, seedArgs(work.resolve("state"), ip, port, file.toString(), "--piece-size", "256K"))) {
            String infoHash = FluxRun.field(flux.awaitEvent("ready", 60), "infoHash");
            try (WirePeer peer = WirePeer.connect(Net.freshLoopback(), ip, port, infoHash)) {
                peer.awaitUnchokeAfterInterested();
                peer.request(0, 3 << 14, 1 << 14);
                assertArrayEquals(block, peer.awaitBlock(0, 3 << 14, 10_000), "the first answer");
                peer.cancel(0, 3 << 14, 1 << 14); // too late: the block is already here
                peer.request(0, 3 << 14, 1 << 14);
                assertArrayEquals(block, peer.awaitBlock(0, 3 << 14, 10_000), "asked again after a late Cancel: "
                        + flux.stderr());
            }
        }
    }

    @Test
    void aTorrentThatReachedItsSeedTimeStopsTellsItsTrackerAndTheSeedExits() throws Exception {
        Path work = workDir("seed-time");
        Path file = randomFile(work.resolve("data/short.bin"), 300_000, 7);
        int trackerPort = Net.freePort("127.0.0.1");
        String announce = "http://127.0.0.1:" + trackerPort + "/announce";
        TorrentMaker.Made made = TorrentMaker.make(file, work.resolve("short.torrent"), announce, 16);
        try (OpenTracker tracker = OpenTracker.start(work.resolve("tracker"), "127.0.0.1", trackerPort, List.of(made.infoHash()));
             FluxRun flux = FluxRun.start(work, seedArgs(work.resolve("state"), file.toString(), "-t", announce,
                     "--piece-size", "64K", "--seed-time", "3s"))) {
            assertEquals(made.infoHash(), FluxRun.field(flux.awaitEvent("ready", 60), "infoHash"));
            tracker.awaitPeer(made.infoHash(), "flux's seed");

            assertTrue(FluxRun.field(flux.awaitEvent("stopped", 30), "reason").contains("seed time"), flux.stderr());
            assertTrue(flux.process().waitFor(30, TimeUnit.SECONDS), "the seed did not exit once its only torrent stopped");
            assertEquals(0, flux.process().exitValue(), flux.stderr());
            assertEquals(0, tracker.peers(made.infoHash()), "the tracker was not told the seed stopped");
        }
    }

    @Test
    void aSeedHoldsNothingOfTheConnectionsThatClosed() throws Exception {
        // bt 1.10 kept every connection a process ever had (its channel, the peer's pieces, a queue
        // of blocks read for it): ~2.4 KB each, in a seed's JVM of 128 MiB meant to run for months
        Path work = workDir("closed");
        Path file = randomFile(work.resolve("data/clip.bin"), 1 << 20, 6);
        byte[] block = Arrays.copyOfRange(Files.readAllBytes(file), 0, 1 << 14);
        String ip = Net.freshLoopback();
        int port = Net.freePort(ip);
        Set<String> kept = Set.of("sun.nio.ch.SocketChannelImpl", "bt.data.PeerBitfield",
                "java.util.concurrent.ConcurrentLinkedQueue");
        int leechers = 200;
        try (FluxRun flux = FluxRun.start(work, seedArgs(work.resolve("state"), ip, port, file.toString(), "--piece-size", "64K"))) {
            String infoHash = FluxRun.field(flux.awaitEvent("ready", 60), "infoHash");
            long pid = flux.process().pid();
            Map<String, Long> before = Heap.instances(pid, kept);
            String leecherIp = Net.freshLoopback();
            for (int i = 0; i < leechers; i++) {
                // each one as a leecher uses a seed: it says what it has, asks for a block and leaves
                try (WirePeer peer = WirePeer.connect(leecherIp, ip, port, infoHash)) {
                    peer.announce(16, i % 16);
                    peer.awaitUnchokeAfterInterested();
                    peer.request(0, 0, 1 << 14);
                    assertArrayEquals(block, peer.awaitBlock(0, 0, 10_000), "leecher " + i + ": " + flux.stderr());
                }
            }
            Map<String, Long> after = Heap.instances(pid, kept);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!heldFewerThan(before, after, leechers / 10) && System.nanoTime() < deadline) {
                Thread.sleep(500); // the last closes are still being handled
                after = Heap.instances(pid, kept);
            }
            assertTrue(heldFewerThan(before, after, leechers / 10), "before " + before + ", after " + leechers
                    + " leechers came and went " + after);
        }
    }

    private static boolean heldFewerThan(Map<String, Long> before, Map<String, Long> after, long most) {
        return before.keySet().stream().allMatch(c -> after.get(c) - before.get(c) < most);
    }

    @Test
    void aLibtorrentLeecherWithItsDefaultsIsRefusedUtpAndServedInPlaintext() throws Exception {
        // libtorrent's defaults (qBittorrent's, Deluge's) dial uTP first and wait ~3.5 s for it
        // to time out before they try TCP: flux answers the SYN on the peer port with a RESET.
        // Over TCP it dials with an obfuscated handshake that offers plaintext or RC4, its
        // BitTorrent handshake already inside: flux picks plaintext, as libtorrent itself would
        Path work = workDir("lt-defaults");
        Path file = randomFile(work.resolve("data/clip.bin"), 6_000_000, 21);
        String ip = Net.freshLoopback();
        int port = Net.freePort(ip);
        String leecherIp = Net.freshLoopback();
        try (FluxRun flux = FluxRun.start(work, seedArgs(work.resolve("state"), ip, port, file.toString(), "--piece-size", "256K", "-v"))) {
            String magnet = FluxRun.field(flux.awaitEvent("ready", 60), "magnet");
            try (LibtorrentStreamer leecher = LibtorrentStreamer.start(work.resolve("lt"), leecherIp, magnet,
                    ip + ":" + port, 60, true)) {
                HttpResponse<InputStream> body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(leecher.url()))
                        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(Tools.sha256(file), Tools.sha256(body.body()));
            }
            assertTrue(flux.stderr().contains("refused a uTP dial from /" + leecherIp + ":"), flux.stderr());
            assertTrue(flux.stderr().contains("plaintext selected"), flux.stderr());
        }
    }

    @Test
    void restartTrustsUnchangedFilesAndRechecksOnlyATouchedOne() throws Exception {
        Path work = workDir("resume");
        Path dir = work.resolve("show");
        randomFile(dir.resolve("e1.bin"), 2_000_000, 7);
        randomFile(dir.resolve("e2.bin"), 2_000_000, 8);
        Path state = work.resolve("state");

        int first = rechecked(work, state, dir);
        assertEquals(0, first, "a torrent flux just made needs no check");
        int unchanged = rechecked(work, state, dir);
        assertEquals(0, unchanged, "a restart with unchanged files must not re-hash");

        Files.setLastModifiedTime(dir.resolve("e2.bin"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        int touched = rechecked(work, state, dir);
        String json = Files.readString(work.resolve("last-ready.json"));
        int pieces = Integer.parseInt(FluxRun.field(json, "pieces"));
        assertTrue(touched > 0 && touched <= pieces / 2 + 1, "only e2's pieces should be re-checked: " + touched + " of " + pieces);
        assertEquals(pieces, Integer.parseInt(FluxRun.field(json, "verifiedPieces")));
    }

    /** Seeds dir until ready, stops with SIGTERM, returns how many pieces were re-checked at start. */
    private static int rechecked(Path work, Path state, Path dir) throws Exception {
        try (FluxRun flux = FluxRun.start(work, seedArgs(state, dir.toString(), "--piece-size", "256K"))) {
            String ready = flux.awaitEvent("ready", 60);
            Files.writeString(work.resolve("last-ready.json"), ready);
            flux.process().destroy();
            assertTrue(flux.process().waitFor(20, TimeUnit.SECONDS), "flux seed did not stop on SIGTERM");
            assertEquals(0, flux.process().exitValue(), "SIGTERM is the normal end of seeding: " + flux.stderr());
            // time of day, level, the message: no class names without --verbose
            assertTrue(java.util.regex.Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO stopping on a signal: "
                    + "1 torrent\\(s\\), 0 peer\\(s\\) connected, 0 B uploaded$").matcher(flux.stderr()).find(),
                    "a seeder's log ends with what it was doing: " + flux.stderr());
            return Integer.parseInt(FluxRun.field(ready, "recheckedPieces"));
        }
    }

    @Test
    void dataNotMatchingATorrentIsReportedAndOtherTorrentsKeepSeeding() throws Exception {
        Path work = workDir("mismatch");
        Path good = randomFile(work.resolve("good/a.bin"), 500_000, 11);
        Path original = randomFile(work.resolve("orig/b.bin"), 500_000, 12);
        TorrentMaker.Made made = TorrentMaker.make(original, work.resolve("b.torrent"), null, 16);
        randomFile(work.resolve("other/b.bin"), 500_000, 13); // same name and size, other bytes
        List<String> args = seedArgs(work.resolve("state"), good.toString(), made.torrent().toString(),
                "--data", work.resolve("other").toString(), work.resolve("missing.mkv").toString());
        try (FluxRun flux = FluxRun.start(work, args)) {
            String all = String.join("\n", flux.awaitEvents(60, "ready", "error", "error"));
            assertTrue(all.contains("no such file or directory") && all.contains("missing.mkv"), all);
            assertTrue(all.contains("does not match the torrent: 0 of"), all);
            assertTrue(flux.process().isAlive(), "the good torrent must keep seeding");
            flux.process().destroy();
            assertTrue(flux.process().waitFor(20, TimeUnit.SECONDS));
            assertEquals(3, flux.process().exitValue(), flux.stderr());
        }
    }

    @Test
    void uploadLimitHoldsTheRate() throws Exception {
        Path work = workDir("limit");
        Path file = randomFile(work.resolve("data/limited.bin"), 6 << 20, 77);
        int trackerPort = Net.freePort("127.0.0.1");
        String announce = "http://127.0.0.1:" + trackerPort + "/announce";
        TorrentMaker.Made made = TorrentMaker.make(file, work.resolve("limited.torrent"), announce, 18);
        try (OpenTracker tracker = OpenTracker.start(work.resolve("tracker"), "127.0.0.1", trackerPort, List.of(made.infoHash()));
             FluxRun flux = FluxRun.start(work, seedArgs(work.resolve("state"), file.toString(), "-t", announce,
                     "--piece-size", "256K", "--upload-limit", "1M", "-v"))) {
            flux.awaitEvent("ready", 60);
            long start = System.nanoTime();
            Aria2.download(made.torrent(), work.resolve("aria2"), Net.freshLoopback(), 90);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(Tools.sha256(file), Tools.sha256(work.resolve("aria2/limited.bin")));
            // aria2c dials flux with an obfuscated handshake offering plaintext or RC4: flux picks
            // plaintext, as libtorrent does, and spares both sides RC4 on every byte
            assertTrue(flux.stderr().contains("plaintext selected"), "aria2c's handshake: " + flux.stderr());
            // 6 MiB at 1 MiB/s, less at most one second of burst: never under 4 s (unlimited: well under 1 s)
            assertTrue(seconds >= 4, "6 MiB came in " + seconds + " s despite --upload-limit 1M");
        }
    }
}
