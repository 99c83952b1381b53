package flux.it;

import flux.lab.FluxRun;
import flux.lab.Media;
import flux.lab.Net;
import flux.lab.OpenTracker;
import flux.lab.QBittorrentPeer;
import flux.lab.Tools;
import flux.lab.TorrentMaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * flux against qBittorrent (libtorrent-rasterbar 2.0, as qBittorrent and Deluge users run it, uTP
 * and PEX on) on loopback, both ways: streaming from it and seeding to it, found through opentracker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QBittorrentIT {
    private Path work;
    private Path video;
    private TorrentMaker.Made videoTorrent;
    private Path slowVideo;
    private TorrentMaker.Made slowTorrent;
    private byte[] stalling;
    private TorrentMaker.Made stallingTorrent;
    private Path seededByFlux;
    private TorrentMaker.Made seededByFluxTorrent;
    private OpenTracker tracker;
    private QBittorrentPeer seeder;
    private QBittorrentPeer leecher;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void startSwarm() throws Exception {
        work = Files.createDirectories(Path.of("target", "lab-runs", "qbittorrent-" + System.currentTimeMillis()).toAbsolutePath());
        int trackerPort = Net.freePort("127.0.0.1");
        String announce = "http://127.0.0.1:" + trackerPort + "/announce";

        Path seedData = Files.createDirectories(work.resolve("seeder-data"));
        video = Files.copy(Media.mp4MoovAtEnd(40, 2000), seedData.resolve("video.mp4"));
        videoTorrent = TorrentMaker.make(video, work.resolve("video.torrent"), announce, 18);
        // the same video under another name, sent at 600 KiB/s: a seek to 90 % must be answered
        // long before an in-order download would get there
        slowVideo = Files.copy(video, seedData.resolve("slow.mp4"));
        slowTorrent = TorrentMaker.make(slowVideo, work.resolve("slow.torrent"), announce, 18);
        // a seed that sends 1 KiB/s until the test lifts its limit: flux's watchdog reconnects it
        stalling = new byte[3_000_000];
        new Random(11).nextBytes(stalling);
        stallingTorrent = TorrentMaker.make(Files.write(seedData.resolve("stalling.bin"), stalling), work.resolve("stalling.torrent"),
                announce, 18);
        // what flux seeds: mktorrent with flux's piece size and tracker makes the same info-hash
        byte[] data = new byte[6_000_000];
        new Random(7).nextBytes(data);
        seededByFlux = Files.write(Files.createDirectories(work.resolve("flux-data")).resolve("movie.bin"), data);
        seededByFluxTorrent = TorrentMaker.make(seededByFlux, work.resolve("movie.torrent"), announce, 18);

        tracker = OpenTracker.start(work.resolve("tracker"), "127.0.0.1", trackerPort,
                List.of(videoTorrent.infoHash(), slowTorrent.infoHash(), stallingTorrent.infoHash(), seededByFluxTorrent.infoHash()));
        String seederIp = Net.freshLoopback();
        seeder = QBittorrentPeer.start(work.resolve("seeder"), seederIp, Net.freePort(seederIp), Net.freePort(seederIp));
        seeder.seed(videoTorrent, seedData);
        seeder.seed(slowTorrent, seedData);
        seeder.limitUpload(slowTorrent.infoHash(), 600 * 1024);
        seeder.seed(stallingTorrent, seedData);
        seeder.limitUpload(stallingTorrent.infoHash(), 1024);
        tracker.awaitPeer(videoTorrent.infoHash(), "qBittorrent's video seed");
        tracker.awaitPeer(slowTorrent.infoHash(), "qBittorrent's slow seed");
        tracker.awaitPeer(stallingTorrent.infoHash(), "qBittorrent's stalling seed");
        String leecherIp = Net.freshLoopback();
        leecher = QBittorrentPeer.start(work.resolve("leecher"), leecherIp, Net.freePort(leecherIp), Net.freePort(leecherIp));
    }

    @AfterAll
    void stopSwarm() {
        Tools.closeAll(seeder, leecher, tracker);
    }

    private List<String> streamArgs(String torrent, String... extra) {
        return FluxRun.streamArgs(work, torrent, extra);
    }

    @Test
    void aMagnetStreamsByteExactToStdout() throws Exception {
        String hash = FluxRun.toStdout(work.resolve("stdout.stderr"), streamArgs(videoTorrent.magnet(tracker.announceUrl()), "-o", "-"));
        assertEquals(Tools.sha256(video), hash);
    }

    @Test
    void withEncryptionRequiredEveryConnectionIsEncrypted() throws Exception {
        Path stderr = work.resolve("required.stderr");
        String hash = FluxRun.toStdout(stderr, streamArgs(videoTorrent.magnet(tracker.announceUrl()), "-o", "-", "-v",
                "--require-encryption"));
        String log = Files.readString(stderr);
        assertEquals(Tools.sha256(video), hash, log);
        // qBittorrent takes both: flux asked for encryption itself, and the scout's plaintext
        // handshake was never sent
        assertTrue(log.contains("encrypted connection to"), log);
        assertFalse(log.contains("scout: handshake sent"), log);
    }

    @Test
    void aSeekToNinetyPercentIsServedLongBeforeTheDownloadGetsThere() throws Exception {
        byte[] content = Files.readAllBytes(slowVideo);
        try (FluxRun flux = FluxRun.start(work, streamArgs(slowTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0"))) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            int from = (int) (content.length * 0.9);
            int to = from + 64 * 1024 - 1;
            HttpResponse<byte[]> seek = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Range", "bytes=" + from + "-" + to).build(), HttpResponse.BodyHandlers.ofByteArray());
            String status = http.send(HttpRequest.newBuilder(URI.create(url.substring(0, url.indexOf('/', 8)) + "/status.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertEquals(206, seek.statusCode());
            assertArrayEquals(Arrays.copyOfRange(content, from, to + 1), seek.body());
            long verified = Long.parseLong(FluxRun.field(status, "verified"));
            assertTrue(verified < content.length / 2, "seek answered only after " + verified + " of " + content.length
                    + " bytes were verified: " + status);
        }
    }

    @Test
    void qBittorrentsPeerListNamesFluxsClient() throws Exception {
        // the slow torrent: flux is still downloading, and connected, when the list is read
        try (FluxRun flux = FluxRun.start(work, streamArgs(slowTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0"))) {
            flux.awaitEvent("ready", 60);
            String peers = seeder.peers(slowTorrent.infoHash());
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                 !peers.contains("\"client\"") && System.nanoTime() < deadline; ) {
                TimeUnit.MILLISECONDS.sleep(200);
                peers = seeder.peers(slowTorrent.infoHash());
            }
            // the "v" of flux's extended handshake: the bt release flux runs, as its peer id says
            // (here bt could also read it from its own jar's manifest; in flux's single jar only
            // EngineModule's binding says it, which `flux -v demo` from target/ shows: no warning)
            assertTrue(peers.contains("\"client\":\"Bt 1.10\""), peers);
        }
    }

    @Test
    void mpvPlaysTheMoovAtEndMp4FromTheStreamUrl() throws Exception {
        try (FluxRun flux = FluxRun.start(work, streamArgs(videoTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0"))) {
            String url = FluxRun.field(flux.awaitEvent("listening", 30), "url");
            String out = Tools.run(90, Tools.require("mpv"), "--no-config", "--vo=null", "--ao=null", "--frames=50",
                    "--msg-level=all=info", url);
            assertTrue(out.contains("Video --vid=1"), "mpv found no video stream: " + out);
        }
    }

    /**
     * The watchdog closes the connection to a seeder that lets flux download and sends nothing
     * for 10 s, and dials it again under the same bt connection key. bt then forgot the seeder's
     * pieces, said "not interested", and qBittorrent kept flux choked for good (the stream stalled).
     */
    @Test
    void aSeederThatStalledIsDialledAgainAndServesTheWholeFile() throws Exception {
        try (FluxRun flux = FluxRun.start(work, streamArgs(stallingTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0"))) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!flux.stderr().contains("no data for") && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            assertTrue(flux.stderr().contains("reconnecting 1 that let flux download"), flux.stderr());
            seeder.limitUpload(stallingTorrent.infoHash(), 0); // the seeder is well again

            // bounded as a whole: a stalled stream sends its headers and then nothing
            HttpResponse<byte[]> whole = http.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).get(45, TimeUnit.SECONDS);
            assertEquals(200, whole.statusCode());
            assertArrayEquals(stalling, whole.body(), flux.stderr());
        }
    }

    @Test
    void qBittorrentDownloadsWhatFluxSeeds() throws Exception {
        Path state = work.resolve("seed-state");
        try (FluxRun flux = FluxRun.start(work, List.of("seed", seededByFlux.toString(), "-t", tracker.announceUrl(),
                // an address of its own: opentracker records where an announce comes from (it
                // ignores ip=), so the leecher finds flux only if its announces leave from there
                "--piece-size", "256K", "--no-dht", "--bind", Net.freshLoopback(), "--peer-port", "0",
                "--state", state.toString(), "--json", "--status-interval", "0"))) {
            String ready = flux.awaitEvent("ready", 60);
            assertEquals(seededByFluxTorrent.infoHash(), FluxRun.field(ready, "infoHash"));
            tracker.awaitPeer(seededByFluxTorrent.infoHash(), "flux's seed"); // qBittorrent's first announce must find it

            Path into = Files.createDirectories(work.resolve("leecher-data"));
            leecher.download(FluxRun.field(ready, "magnet"), into);
            leecher.awaitComplete(seededByFluxTorrent.infoHash(), 60);
            assertEquals(Tools.sha256(seededByFlux), Tools.sha256(into.resolve("movie.bin")));
        }
    }
}
