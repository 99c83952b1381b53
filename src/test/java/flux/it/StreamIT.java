package flux.it;

import flux.FluxProcess;
import flux.lab.Aria2;
import flux.lab.Browser;
import flux.lab.FluxRun;
import flux.lab.Media;
import flux.lab.Mpv;
import flux.lab.Net;
import flux.lab.OpenTracker;
import flux.lab.Tools;
import flux.lab.TorrentMaker;
import flux.lab.TransmissionPeer;
import flux.lab.Vlc;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * flux stream against real third-party software on loopback: opentracker, transmission-daemon
 * seeding ffmpeg-made videos, and mpv, VLC and Chromium playing what flux serves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamIT {
    private Path work;
    private Path mp4;
    private Path mkv;
    private TorrentMaker.Made mp4Torrent;
    private TorrentMaker.Made mkvTorrent;
    private OpenTracker tracker;
    private TransmissionPeer seeder;
    /** HOST:PORT where the seeder takes peer connections. */
    private String seederAddress;
    private TransmissionPeer slowSeeder;
    private TorrentMaker.Made slowTorrent;
    private Path show;
    private TorrentMaker.Made showTorrent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void startSwarm() throws Exception {
        work = Files.createDirectories(Path.of("target", "lab-runs", "stream-" + System.currentTimeMillis()).toAbsolutePath());
        mp4 = Media.mp4MoovAtEnd(40, 2000);
        mkv = Media.mkv(20, 1000);
        int trackerPort = Net.freePort("127.0.0.1");
        String announce = "http://127.0.0.1:" + trackerPort + "/announce";

        String seederIp = Net.freshLoopback();
        int seederPort = Net.freePort(seederIp);
        seederAddress = seederIp + ":" + seederPort;
        seeder = TransmissionPeer.start(work.resolve("seeder"), seederIp, seederPort, Net.freePort(seederIp), 0);
        Files.copy(mp4, seeder.dataDir().resolve(mp4.getFileName()));
        Files.copy(mkv, seeder.dataDir().resolve(mkv.getFileName()));
        mp4Torrent = TorrentMaker.make(mp4, work.resolve("mp4.torrent"), announce, 18);
        mkvTorrent = TorrentMaker.make(mkv, work.resolve("mkv.torrent"), announce, 18);

        // the same video again under another name, from a seeder limited to 600 KiB/s: slow enough
        // that a seek to 90% must be answered long before the download would get there in order
        Path slowCopy = work.resolve("slow-" + mp4.getFileName());
        Files.copy(mp4, slowCopy);
        slowTorrent = TorrentMaker.make(slowCopy, work.resolve("slow.torrent"), announce, 18);
        String slowIp = Net.freshLoopback();
        slowSeeder = TransmissionPeer.start(work.resolve("slow-seeder"), slowIp, Net.freePort(slowIp), Net.freePort(slowIp), 600);
        Files.copy(slowCopy, slowSeeder.dataDir().resolve(slowCopy.getFileName()));

        // a season-pack-like torrent: two episodes, a subtitle for each, and a text file
        show = Files.createDirectories(seeder.dataDir().resolve("Show"));
        Files.copy(mkv, show.resolve("Show.S01E01.mkv"));
        Files.writeString(show.resolve("Show.S01E01.en.srt"), "1\n00:00:01,000 --> 00:00:04,000\nHello from episode one\n");
        Files.copy(mp4, show.resolve("Show.S01E02.mp4"));
        Files.writeString(show.resolve("Show.S01E02.en.srt"), "1\n00:00:01,000 --> 00:00:04,000\nHello from episode two\n");
        Files.writeString(show.resolve("notes.txt"), "not a video");
        showTorrent = TorrentMaker.make(show, work.resolve("show.torrent"), announce, 18);

        tracker = OpenTracker.start(work.resolve("tracker"), "127.0.0.1", trackerPort,
                List.of(mp4Torrent.infoHash(), mkvTorrent.infoHash(), slowTorrent.infoHash(), showTorrent.infoHash()));
        seeder.seed(mp4Torrent.torrent());
        seeder.seed(mkvTorrent.torrent());
        seeder.seed(showTorrent.torrent());
        slowSeeder.seed(slowTorrent.torrent());
        // a magnet's stream meets its seeder in its first announce, or only after the tracker's interval
        for (TorrentMaker.Made made : List.of(mp4Torrent, mkvTorrent, showTorrent, slowTorrent)) {
            tracker.awaitPeer(made.infoHash(), made.torrent().getFileName() + "'s seeder");
        }
    }

    @AfterAll
    void stopSwarm() {
        Tools.closeAll(seeder, slowSeeder, tracker);
    }

    private List<String> fluxArgs(String torrent, String... extra) {
        return FluxRun.streamArgs(work, torrent, extra);
    }

    @Test
    void magnetToStdoutIsByteExactAndLeavesNoCache() throws Exception {
        Path cache = work.resolve("cache");
        String hash = streamToStdout("stdout-test", fluxArgs(mp4Torrent.magnet(tracker.announceUrl()), "-o", "-", "-v"));
        assertEquals(Tools.sha256(mp4), hash);
        assertFalse(Files.exists(cache.resolve(mp4Torrent.infoHash())), "the streaming cache was not removed");
        // the peer scout met Transmission while bt was being wired, and bt took that connection over
        assertTrue(Files.readString(work.resolve("stdout-test.stderr")).contains("adopted the scout's connection"),
                "bt dialled Transmission again instead of adopting the scout's connection");
    }

    @Test
    void addedTrackersFindThePeersOfABareInfoHashAndOfATorrentWithoutTrackers() throws Exception {
        TorrentMaker.Made trackerless = TorrentMaker.make(mkv, work.resolve("trackerless.torrent"), null, 18);
        assertEquals(mkvTorrent.infoHash(), trackerless.infoHash(), "the same data and pieces, only the announce left out");
        // with the DHT off, the added tracker is the only way to the seeder
        assertEquals(Tools.sha256(mkv), streamToStdout("bare-hash",
                fluxArgs(mkvTorrent.infoHash(), "-o", "-", "--tracker", tracker.announceUrl())));
        assertEquals(Tools.sha256(mkv), streamToStdout("trackerless",
                fluxArgs(trackerless.torrent().toString(), "-o", "-", "-t", tracker.udpAnnounceUrl())));
    }

    @Test
    void aNamedPeerIsEnoughForABareInfoHash() throws Exception {
        // no tracker, no DHT: the seeder named with --peer is the only way to the data
        assertEquals(Tools.sha256(mkv), streamToStdout("named-peer",
                fluxArgs(mkvTorrent.infoHash(), "-o", "-", "--peer", seederAddress)));
    }

    @Test
    void aTorrentUrlIsFetchedOnceScoutedAndKeptUnderItsInfoHash() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger fetches = new AtomicInteger();
        byte[] torrent = Files.readAllBytes(mkvTorrent.torrent());
        server.createContext("/mkv.torrent", exchange -> {
            fetches.incrementAndGet();
            exchange.sendResponseHeaders(200, torrent.length);
            try (var body = exchange.getResponseBody()) {
                body.write(torrent);
            }
        });
        server.start();
        try {
            Path cache = work.resolve("url-cache");
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mkv.torrent";
            List<String> args = fluxArgs(url, "-o", "-", "--keep", "-v");
            args.set(args.indexOf("--cache-dir") + 1, cache.toString());
            assertEquals(Tools.sha256(mkv), streamToStdout("url", args));
            assertEquals(1, fetches.get(), "the .torrent is fetched once");
            assertEquals(Tools.sha256(mkv), Tools.sha256(cache.resolve(mkvTorrent.infoHash()).resolve(mkv.getFileName())),
                    "the kept download is under the torrent's info-hash");
            assertTrue(Files.readString(work.resolve("url.stderr")).contains("adopted the scout's connection"),
                    "the scout did not meet the seeder for a URL");
        } finally {
            server.stop(0);
        }
    }

    /** The SHA-256 of what `flux stream` writes to stdout; it must exit 0 after writing. */
    private String streamToStdout(String name, List<String> args) throws Exception {
        return FluxRun.toStdout(work.resolve(name + ".stderr"), args);
    }

    @Test
    void torrentFileOverHttpIsByteExactWithRangesAndHead() throws Exception {
        try (FluxRun flux = FluxRun.start(work, fluxArgs(mkvTorrent.torrent().toString(), "--json", "--port", "0"))) {
            // a .torrent's stream URL comes first too, as a magnet's (awaitEvent reads in order)
            String streamUrl = FluxRun.field(flux.awaitEvent("listening", 60), "url");
            assertTrue(streamUrl.endsWith("/" + mkvTorrent.infoHash()), streamUrl);
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            assertTrue(url.startsWith("http://127.0.0.1:"), url);

            HttpResponse<InputStream> full = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, full.statusCode());
            assertEquals("video/x-matroska", full.headers().firstValue("Content-Type").orElse(""));
            try (InputStream body = full.body()) {
                assertEquals(Tools.sha256(mkv), Tools.sha256(body));
            }

            HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(url))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(Long.toString(Files.size(mkv)), head.headers().firstValue("Content-Length").orElse(""));
            assertEquals("bytes", head.headers().firstValue("Accept-Ranges").orElse(""));

            byte[] expected = Arrays.copyOfRange(Files.readAllBytes(mkv), (int) Files.size(mkv) - 1000, (int) Files.size(mkv));
            HttpResponse<byte[]> suffix = http.send(HttpRequest.newBuilder(URI.create(url)).header("Range", "bytes=-1000").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, suffix.statusCode());
            assertArrayEquals(expected, suffix.body());

            HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<byte[]> viaStreamUrl = following.send(HttpRequest.newBuilder(URI.create(streamUrl))
                    .header("Range", "bytes=-1000").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, viaStreamUrl.statusCode());
            assertEquals(URI.create(url), viaStreamUrl.uri());
            assertArrayEquals(expected, viaStreamUrl.body());
        }
    }

    @Test
    void downloadLimitHoldsTheRateAgainstAFastSeeder() throws Exception {
        long size = Files.size(mp4);
        // aria2c sends at loopback speed, unlike Transmission: bt's receiving loop reads a connection
        // whose buffer it filled again without selecting, which once let such a peer past the limit
        // (the whole file came in a second at --download-limit 1M)
        String seederIp = Net.freshLoopback();
        int seederPort = Net.freePort(seederIp);
        try (Aria2.Seeder aria2 = Aria2.seed(mp4Torrent.torrent(), seeder.dataDir(), seederIp, seederPort, work.resolve("aria2-seeder.log"));
             FluxRun flux = FluxRun.start(work, fluxArgs(mp4Torrent.torrent().toString(), "--peer", seederIp + ":" + seederPort,
                     "--json", "--port", "0", "--download-limit", "1M"))) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            long firstByte = 0;
            long read = 0;
            try (InputStream body = response.body()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = body.read(buffer)) >= 0; read += n) {
                    if (read == 0 && n > 0) {
                        firstByte = System.nanoTime(); // from here on the download runs
                    }
                    sha.update(buffer, 0, n);
                }
            }
            double seconds = (System.nanoTime() - firstByte) / 1e9;
            assertEquals(size, read);
            assertEquals(Tools.sha256(mp4), java.util.HexFormat.of().formatHex(sha.digest()));
            double mib = size / (double) (1 << 20);
            // at 1 MiB/s, less what came before the first byte (the first pieces, which the reader
            // sought and which are exempt, the quarter second's credit, the socket buffers), ~8 s;
            // unlimited, well under 1 s
            assertTrue(seconds >= mib - 5, String.format("%.1f MiB in %.2f s despite --download-limit 1M", mib, seconds));
        }
    }

    @Test
    void aPlayerWaitingForAPieceNoPeerHasIsToldWhy() throws Exception {
        // aria2c seeds the video with one piece damaged: after its integrity check it has every
        // piece but that one, and with no tracker and no DHT it is the stream's only peer
        TorrentMaker.Made trackerless = TorrentMaker.make(mp4, work.resolve("damaged.torrent"), null, 18);
        Path data = Files.createDirectories(work.resolve("damaged-seeder"));
        Path copy = Files.copy(mp4, data.resolve(mp4.getFileName()));
        long pieceLength = 1L << 18;
        long pieces = (Files.size(copy) + pieceLength - 1) / pieceLength;
        int missing = (int) (pieces / 2);
        try (FileChannel file = FileChannel.open(copy, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocate(64);
            file.read(bytes, missing * pieceLength);
            for (int i = 0; i < 64; i++) {
                bytes.put(i, (byte) ~bytes.get(i));
            }
            file.write(bytes.flip(), missing * pieceLength);
        }
        String seederIp = Net.freshLoopback();
        int seederPort = Net.freePort(seederIp);
        try (Aria2.Seeder aria2 = Aria2.seed(trackerless.torrent(), data, seederIp, seederPort, work.resolve("aria2-damaged.log"));
             FluxRun flux = FluxRun.start(work, fluxArgs(trackerless.torrent().toString(), "--peer", seederIp + ":" + seederPort,
                     "--json", "--port", "0"))) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            long from = missing * pieceLength + 1000;
            var player = http.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Range", "bytes=" + from + "-").build(),
                    HttpResponse.BodyHandlers.discarding());
            try {
                String waiting = flux.awaitEvent("waiting", 30); // the first report comes after 5 s of waiting
                assertEquals(String.valueOf(missing), FluxRun.field(waiting, "piece"), waiting);
                assertEquals("1", FluxRun.field(waiting, "peers"), waiting);
                assertEquals("0", FluxRun.field(waiting, "have"), waiting);
                assertTrue(flux.stderr().contains("for piece " + missing + " of " + pieces
                        + ": the one connected peer does not have it"), flux.stderr());
            } finally {
                player.cancel(true);
            }
        }
    }

    @Test
    void aDownloadSlowerThanTheVideoSaysHowLongAPauseLetsItPlayThrough() throws Exception {
        // 30 s of Matroska at ~4 Mbit/s from one Transmission seeder sending 150 KiB/s: the video
        // plays ~3.5 times faster than it comes
        Path video = Media.mkv(30, 4000);
        TorrentMaker.Made made = TorrentMaker.make(video, work.resolve("slower.torrent"), null, 18);
        String seederIp = Net.freshLoopback();
        double seconds = Double.parseDouble(Tools.run(60, Tools.require("ffprobe"), "-v", "error",
                "-show_entries", "format=duration", "-of", "csv=p=0", video.toString()).trim());
        int seederPort = Net.freePort(seederIp);
        try (TransmissionPeer slower = TransmissionPeer.start(work.resolve("slower-seeder"), seederIp,
                seederPort, Net.freePort(seederIp), 150)) {
            Files.copy(video, slower.dataDir().resolve(video.getFileName()));
            slower.seed(made.torrent());
            try (FluxRun flux = FluxRun.start(work, fluxArgs(made.torrent().toString(), "--json", "--port", "0",
                    "--peer", seederIp + ":" + seederPort))) {
                String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
                var player = http.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
                try {
                    String progress = flux.awaitEvent("progress", 30);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!progress.contains("\"playThroughWait\":") || FluxRun.field(progress, "playThroughWait").equals("0")) {
                        assertTrue(System.nanoTime() < deadline, "no pause advised: " + progress + "\n" + flux.stderr());
                        progress = flux.awaitEvent("progress", 30);
                    }
                    double videoRate = Long.parseLong(FluxRun.field(progress, "videoRate"));
                    assertEquals(Files.size(video) / seconds, videoRate, videoRate * 0.01, "the file's size over ffprobe's duration");
                    // ~15 MB at <= 150 KiB/s take >= 100 s; the 30 s of video leave >= 70 s to wait
                    long wait = Long.parseLong(FluxRun.field(progress, "playThroughWait"));
                    assertTrue(wait >= 40 && wait <= 600, progress);
                    assertTrue(flux.stderr().contains("is slower than the video plays"), flux.stderr());
                } finally {
                    player.cancel(true);
                }
            }
        }
    }

    @Test
    void seekToNinetyPercentIsServedBeforeTheDownloadGetsThere() throws Exception {
        Path file = slowSeeder.dataDir().resolve("slow-" + mp4.getFileName());
        byte[] content = Files.readAllBytes(file);
        // -v: what UrgentRequests did with the seek is in the failure message
        try (FluxRun flux = FluxRun.start(work, fluxArgs(slowTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0", "-v"))) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            int from = (int) (content.length * 0.9);
            int to = from + 64 * 1024 - 1;
            long t0 = System.nanoTime();
            HttpResponse<byte[]> seek = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Range", "bytes=" + from + "-" + to).build(), HttpResponse.BodyHandlers.ofByteArray());
            String status = http.send(HttpRequest.newBuilder(URI.create(url.substring(0, url.indexOf('/', 8)) + "/status.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertEquals(206, seek.statusCode());
            assertEquals("bytes " + from + "-" + to + "/" + content.length, seek.headers().firstValue("Content-Range").orElse(""));
            assertArrayEquals(Arrays.copyOfRange(content, from, to + 1), seek.body());
            long verified = Long.parseLong(FluxRun.field(status, "verified"));
            // in playback order the download would need 90% of the file before these bytes
            assertTrue(verified < content.length / 2, "seek answered after " + millis + " ms, once " + verified + " of "
                    + content.length + " bytes were verified: " + status + "\nflux's log:\n" + flux.stderr());
        }
    }

    @Test
    void mpvSeeksWhilePlayingAndPlaysOnAtTheNewPlace() throws Exception {
        try (FluxRun flux = FluxRun.start(work, fluxArgs(mp4Torrent.magnet(tracker.announceUrl()), "--json", "--port", "0"));
             Mpv mpv = Mpv.play(work, FluxRun.field(flux.awaitEvent("ready", 60), "url"), 30)) {
            mpv.awaitPlayingPast(0.5, 60);
            double duration = mpv.number("duration");
            // as a user's seek: mpv asks for the keyframe's range on a new connection, and plays
            // once the bytes from there to the target and a second after it came through flux
            mpv.seekPercent(80, 60);
            double target = duration * 0.8;
            double at = mpv.number("time-pos");
            assertTrue(Math.abs(at - target) < 1.5, "the seek to " + target + " s landed at " + at + " s: " + mpv.log());
            mpv.awaitPlayingPast(target + 0.5, 30);
        }
    }

    @Test
    void mpvSeeksWhilePlayingFromASlowTransmissionSeederAheadOfTheDownload() throws Exception {
        long length = Files.size(slowSeeder.dataDir().resolve("slow-" + mp4.getFileName()));
        try (FluxRun flux = FluxRun.start(work, fluxArgs(slowTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0", "-v"))) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            try (Mpv mpv = Mpv.play(work, url, 30)) {
                mpv.awaitPlayingPast(0.5, 60);
                double target = mpv.number("duration") * 0.8;
                mpv.seekPercent(80, 60);
                double at = mpv.number("time-pos");
                assertTrue(Math.abs(at - target) < 1.5, "the seek to " + target + " s landed at " + at + " s: " + mpv.log());
                mpv.awaitPlayingPast(target + 0.5, 30);
            }
            String status = http.send(HttpRequest.newBuilder(URI.create(url.substring(0, url.indexOf('/', 8)) + "/status.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            long verified = Long.parseLong(FluxRun.field(status, "verified"));
            // the seeder sends 600 KiB/s and reads ~15 s of that ahead into its send buffer, where a
            // Cancel cannot reach: the download in order was far from 80 % when mpv played there
            assertTrue(verified < length * 0.8, "mpv played at 80 % only once " + verified + " of " + length
                    + " bytes were verified: " + status + "\nflux's log:\n" + flux.stderr());
        }
    }

    /**
     * A page's {@code <video>} on URL (put in quotes: flux's URLs are percent-encoded): it plays,
     * is sought to PERCENT of its duration, and plays on past there; returns "WIDTHxHEIGHT
     * DURATION POSITION FRAMES-DECODED". A media error fails it.
     */
    private static final String BROWSER_PLAYS_AND_SEEKS = """
            (async () => {
              const v = document.createElement('video');
              v.muted = true;
              document.body.appendChild(v);
              const failed = new Promise((_, ko) => v.addEventListener('error',
                  () => ko(new Error('media error ' + v.error.code + ': ' + v.error.message))));
              const until = test => Promise.race([failed, new Promise(ok => {
                const check = () => test() ? ok() : setTimeout(check, 20);
                check();
              })]);
              v.src = URL;
              await Promise.race([failed, v.play()]);
              await until(() => v.currentTime > 0.5);
              const target = v.duration * PERCENT / 100;
              v.currentTime = target;
              await until(() => !v.seeking && v.currentTime > target + 0.5);
              return v.videoWidth + 'x' + v.videoHeight + ' ' + v.duration + ' ' + v.currentTime + ' '
                  + v.getVideoPlaybackQuality().totalVideoFrames;
            })()""";

    @Test
    void aBrowserPlaysTheMoovAtEndMp4AndSeeksAheadOfTheDownloadFromASlowSeeder() throws Exception {
        long length = Files.size(slowSeeder.dataDir().resolve("slow-" + mp4.getFileName()));
        try (FluxRun flux = FluxRun.start(work, fluxArgs(slowTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0", "-v"));
             Browser chromium = Browser.start(work, 30)) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            String played = chromium.evaluate(BROWSER_PLAYS_AND_SEEKS.replace("URL", "'" + url + "'").replace("PERCENT", "80"), 90);
            String status = http.send(HttpRequest.newBuilder(URI.create(url.substring(0, url.indexOf('/', 8)) + "/status.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            Matcher m = Pattern.compile("\"value\":\"(\\d+)x(\\d+) ([0-9.]+) ([0-9.]+) (\\d+)\"").matcher(played);
            assertTrue(m.find(), played);
            assertEquals("640x360", m.group(1) + "x" + m.group(2), played);
            double duration = Double.parseDouble(m.group(3));
            assertTrue(Math.abs(duration - 40) < 1, "duration " + duration + ": " + played);
            assertTrue(Double.parseDouble(m.group(4)) > duration * 0.8 && Integer.parseInt(m.group(5)) > 0, played);
            long verified = Long.parseLong(FluxRun.field(status, "verified"));
            // the seeder sends 600 KiB/s: the download in order was far from 80 % when the browser played there
            assertTrue(verified < length * 0.8, "the browser played at 80 % only once " + verified + " of " + length
                    + " bytes were verified: " + status + "\nflux's log:\n" + flux.stderr());
        }
    }

    @Test
    void mpvPlaysMoovAtEndMp4AndMkvFromTheUrl() throws Exception {
        String mpv = Tools.require("mpv");
        for (TorrentMaker.Made made : List.of(mp4Torrent, mkvTorrent)) {
            try (FluxRun flux = FluxRun.start(work, fluxArgs(made.magnet(tracker.announceUrl()), "--json", "--port", "0"))) {
                String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
                String out = Tools.run(90, mpv, "--no-config", "--vo=null", "--ao=null", "--frames=50", "--msg-level=all=info", url);
                assertTrue(out.contains("Video --vid=1"), "mpv found no video stream: " + out);
            }
        }
    }

    @Test
    void mpvStartedOnTheStreamUrlBeforeTheMetadataPlaysTheVideo() throws Exception {
        String mpv = Tools.require("mpv");
        String magnet = mkvTorrent.magnet(tracker.announceUrl());
        try (FluxRun flux = FluxRun.start(work, fluxArgs(magnet, "--json", "--port", "0"))) {
            String listening = flux.awaitEvent("listening", 60);
            String url = FluxRun.field(listening, "url");
            assertTrue(url.endsWith("/" + mkvTorrent.infoHash()), url);
            String out = Tools.run(90, mpv, "--no-config", "--vo=null", "--ao=null", "--frames=50", "--msg-level=all=info", url);
            assertTrue(out.contains("Video --vid=1"), "mpv found no video stream: " + out);
            flux.awaitEvent("ready", 5); // after "listening": awaitEvent reads the events in order
        }
    }

    @Test
    void mpvPlaysFromThePipe() throws Exception {
        String magnet = mkvTorrent.magnet(tracker.announceUrl());
        String command = String.join(" ", FluxProcess.builder(fluxArgs(magnet)).command().stream().map(Tools::shellQuote).toList())
                + " 2>" + Tools.shellQuote(work.resolve("pipe.stderr").toString())
                + " | " + Tools.require("mpv") + " --no-config --vo=null --ao=null --frames=50 -";
        String out = Tools.run(90, "sh", "-c", command);
        assertTrue(out.contains("Video --vid=1"), "mpv found no video stream in the pipe: " + out);
    }

    @Test
    void vlcOpenedAtTwentyFourSecondsOfTheMoovAtEndMp4GetsTheVideosOwnFramesFromThere() throws Exception {
        // -v: flux logs each range it serves
        try (FluxRun flux = FluxRun.start(work, fluxArgs(mp4Torrent.magnet(tracker.announceUrl()), "--json", "--port", "0", "-v"))) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            Path played = Vlc.in(work, "seek").play(url, 24, 30, 90);

            List<String> source = Media.frameHashes(mp4);
            List<String> got = Media.frameHashes(played);
            int from = Collections.indexOfSubList(source, got);
            // 25 frames a second and a keyframe every 10 s: VLC starts at the one before 0:24
            assertTrue(got.size() >= 100 && from >= 250, got.size() + " frames, at frame " + from + " of the source"
                    + " (-1: not the source's frames in order)\nflux's log:\n" + flux.stderr());
            long length = Files.size(mp4);
            Matcher served = Pattern.compile("GET " + Pattern.quote(mp4.getFileName().toString()) + " bytes (\\d+)-").matcher(flux.stderr());
            boolean jumped = false;
            while (served.find()) {
                long start = Long.parseLong(served.group(1));
                jumped |= start > length / 3 && start < length * 0.9; // neither the head nor the moov at the end
            }
            assertTrue(jumped, "VLC never asked flux for a range in the middle: " + flux.stderr());
        }
    }

    @Test
    void vlcOpenedByFluxPlaysTheChosenEpisodeWithItsSubtitle() throws Exception {
        Vlc vlc = Vlc.in(work, "episode");
        Path stderr = work.resolve("vlc-episode.stderr");
        // flux runs "vlc --play-and-exit --input-slave=<subtitle URL> <URL>": here a VLC without a
        // window that plays 5 s of it into a file, then exits, and flux with it
        String command = "PATH=" + Tools.shellQuote(vlc.standIn(5).toString()) + ":\"$PATH\" "
                + String.join(" ", FluxProcess.builder(fluxArgs(showTorrent.magnet(tracker.announceUrl()), "--port", "0",
                "--select", "*E02*", "--vlc", "-v")).command().stream().map(Tools::shellQuote).toList())
                + " 2>" + Tools.shellQuote(stderr.toString());
        Tools.run(90, "sh", "-c", command);

        String log = Files.readString(stderr);
        assertTrue(log.contains("GET Show.S01E02.en.srt"), "VLC did not load the episode's subtitle: " + log);
        List<String> got = Media.frameHashes(vlc.output());
        assertTrue(got.size() >= 100 && Collections.indexOfSubList(Media.frameHashes(mp4), got) == 0,
                got.size() + " frames, not the episode's first ones: " + log);
    }

    @Test
    void aMultiFileTorrentServesTheChosenEpisodeItsSubtitleAndAPlaylist() throws Exception {
        try (FluxRun flux = FluxRun.start(work, fluxArgs(showTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0",
                "--select", "*E02*"))) {
            String ready = flux.awaitEvent("ready", 60);
            String url = FluxRun.field(ready, "url");
            assertTrue(url.endsWith("/Show.S01E02.mp4"), url);
            assertTrue(ready.contains("Show.S01E02.en.srt") && !ready.contains("Show.S01E01.en.srt"), ready);
            String base = url.substring(0, url.indexOf('/', 8));
            // another file of the torrent than the selected one: read on demand
            String srtUrl = ready.replaceAll(".*\"subtitles\":\\[\"([^\"]+)\".*", "$1");
            HttpResponse<String> srt = http.send(HttpRequest.newBuilder(URI.create(srtUrl)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(Files.readString(show.resolve("Show.S01E02.en.srt")), srt.body());
            String playlist = http.send(HttpRequest.newBuilder(URI.create(base + "/playlist.m3u")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(playlist.startsWith("#EXTM3U") && playlist.contains("Show.S01E01.mkv") && playlist.contains("Show.S01E02.mp4")
                    && !playlist.contains("notes.txt"), playlist);
            try (InputStream episode = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body()) {
                assertEquals(Tools.sha256(mp4), Tools.sha256(episode));
            }
        }
    }

    @Test
    void theNextEpisodesStartAndEndAreFetchedOnceTheChosenOneIsIn() throws Exception {
        Path out = work.resolve("next-episode");
        Path next = out.resolve("Show").resolve("Show.S01E02.mp4");
        byte[] original = Files.readAllBytes(mp4);
        int head = 1 << 20;
        try (FluxRun flux = FluxRun.start(work, fluxArgs(showTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0",
                "--select", "*E01*", "--out", out.toString()))) {
            flux.awaitEvent("done", 60);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(holds(next, original, 0, head) && holds(next, original, original.length - head, head))
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(holds(next, original, 0, head), "the next episode's first MiB did not come");
            assertTrue(holds(next, original, original.length - head, head), "the next episode's last MiB did not come");
            // only its start and end: the rest waits for a player to get there
            assertFalse(holds(next, original, original.length / 2, 64 << 10), "the whole next episode was downloaded");
        }
    }

    @Test
    void aKeptDownloadResumesWithoutHashingAgainAndAChangedFileIsCheckedAgain() throws Exception {
        Path out = work.resolve("kept");
        Path file = out.resolve("slow-" + mp4.getFileName());
        byte[] original = Files.readAllBytes(slowSeeder.dataDir().resolve("slow-" + mp4.getFileName()));
        List<String> args = fluxArgs(slowTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0", "--out", out.toString());
        Pattern resumed = Pattern.compile("resumed the download in \\S+: (\\d+) of (\\d+) pieces verified, (\\d+) read to check them");

        // a first stream stopped part way (the seeder sends 600 KiB/s)
        try (FluxRun flux = FluxRun.start(work, args)) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            String status = url.substring(0, url.indexOf('/', 8)) + "/status.json";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Long.parseLong(FluxRun.field(http.send(HttpRequest.newBuilder(URI.create(status)).build(),
                    HttpResponse.BodyHandlers.ofString()).body(), "verified")) < (2 << 20) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            flux.process().destroy();
            assertTrue(flux.process().waitFor(20, TimeUnit.SECONDS), "flux did not stop on SIGTERM");
        }

        // the next one takes what was verified as it was, reads nothing to check it, and gets the rest
        try (FluxRun flux = FluxRun.start(work, args)) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            assertEquals(Tools.sha256(original), sha256Of(url)); // the check at start is over by then
            Matcher m = resumed.matcher(flux.stderr());
            assertTrue(m.find(), flux.stderr());
            int still = Integer.parseInt(m.group(1));
            int pieces = Integer.parseInt(m.group(2));
            assertTrue(still >= 8 && still < pieces, "pieces taken from the first stream: " + m.group());
            assertEquals("0", m.group(3), "nothing read again: " + m.group());
            flux.process().destroy();
            assertTrue(flux.process().waitFor(20, TimeUnit.SECONDS), "flux did not stop on SIGTERM");
        }

        // a byte changed on disk since: the file's pieces are read and checked, the damaged one comes again
        try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[]{(byte) ~original[original.length / 2]}), original.length / 2);
        }
        try (FluxRun flux = FluxRun.start(work, args)) {
            String url = FluxRun.field(flux.awaitEvent("ready", 60), "url");
            assertEquals(Tools.sha256(original), sha256Of(url));
            Matcher m = resumed.matcher(flux.stderr());
            assertTrue(m.find(), flux.stderr());
            assertEquals(m.group(2), m.group(3), "every piece of the changed file is read again: " + m.group());
            assertEquals(Integer.parseInt(m.group(2)) - 1, Integer.parseInt(m.group(1)), "all but the damaged piece: " + m.group());
        }
    }

    private String sha256Of(String url) throws Exception {
        try (InputStream body = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream()).body()) {
            return Tools.sha256(body);
        }
    }

    /** True when {@code file} holds {@code expected[from, from + length)} at offset {@code from}. */
    private static boolean holds(Path file, byte[] expected, int from, int length) throws IOException {
        if (!Files.exists(file) || Files.size(file) < from + length) {
            return false;
        }
        byte[] actual = new byte[length];
        try (FileChannel channel = FileChannel.open(file)) {
            channel.read(ByteBuffer.wrap(actual), from);
        }
        return Arrays.equals(actual, Arrays.copyOfRange(expected, from, from + length));
    }

    @Test
    void listPrintsFilesAndExitsWithAUdpTracker() throws Exception {
        FluxProcess.Result r = FluxProcess.run(60, fluxArgs(mp4Torrent.magnet(tracker.udpAnnounceUrl()), "--list", "-v")
                .toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("adopted the scout's connection"), "the scout's UDP announce found no peer: " + r.stderr());
        assertTrue(r.stdout().contains(mp4Torrent.infoHash()), r.stdout());
        assertTrue(r.stdout().matches("(?s).*\\n\\s+0\\s+[0-9.]+ MiB\\s+" + mp4.getFileName() + "\\n.*"), r.stdout());
    }

    @Test
    void noSuchFileIndexIsBadInput() throws Exception {
        FluxProcess.Result r = FluxProcess.run(60, fluxArgs(mp4Torrent.magnet(tracker.announceUrl()), "--select", "7", "--json").toArray(String[]::new));
        assertEquals(3, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("flux: no file with index 7 (the torrent has 1 file)"), r.stderr());
        assertFalse(r.stderr().contains("Exception"), r.stderr());
    }

    @Test
    void noPeersBeforeTheTimeoutIsANetworkError() throws Exception {
        // a hash the tracker does not serve: nobody will ever have it
        String magnet = "magnet:?xt=urn:btih:" + "ab".repeat(20) + "&tr=" + tracker.announceUrl();
        List<String> args = fluxArgs(magnet, "--json");
        args.set(args.indexOf("--timeout") + 1, "3");
        FluxProcess.Result r = FluxProcess.run(60, args.toArray(String[]::new));
        assertEquals(4, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("flux: no metadata after 3 s (0 peers found, 0 connected; 1 of 1 tracker answered)"),
                r.stderr());
    }

    @Test
    void httpPortInUseIsANetworkError() throws Exception {
        try (var busy = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            FluxProcess.Result r = FluxProcess.run(60, fluxArgs(mkvTorrent.magnet(tracker.announceUrl()), "--json",
                    "--port", Integer.toString(busy.getLocalPort())).toArray(String[]::new));
            assertEquals(4, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("HTTP port " + busy.getLocalPort() + " on 127.0.0.1 is already in use"), r.stderr());
        }
    }

    @Test
    void aDownloadThatCannotBeWrittenEndsWithAnIoError() throws Exception {
        // a file size limit of 2 MiB makes every write past it fail, as a full disk does (EFBIG
        // instead of ENOSPC: the JVM ignores SIGXFSZ), without a filesystem to fill
        Path cache = work.resolve("cache-limited");
        List<String> args = fluxArgs(mp4Torrent.magnet(tracker.announceUrl()), "-o", "-");
        args.set(args.indexOf("--cache-dir") + 1, cache.toString());
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f 2048 && exec \"$@\"", "flux"));
        cmd.addAll(FluxProcess.builder(args).command());
        Path stderr = work.resolve("write-failure.stderr");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "flux kept going after its writes failed");
            String err = Files.readString(stderr);
            assertEquals(5, p.exitValue(), err);
            assertTrue(err.contains("flux: cannot write the download in " + cache + ": file too large\n"), err);
            assertTrue(err.contains("choose another --cache-dir DIR"), err);
            assertFalse(err.contains("Exception"), err);
            assertFalse(Files.exists(cache.resolve(mp4Torrent.infoHash())), "the partial download was left behind");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void mpvOpenedByFluxLogsInWhenTheServerAsksForALogin() throws Exception {
        // the login's '@' and ':' travel percent-encoded in the URL flux gives mpv
        String mpv = Tools.require("mpv");
        FluxProcess.Result r = FluxProcess.run(90, fluxArgs(mkvTorrent.magnet(tracker.announceUrl()), "--port", "0",
                "--http-auth", "viewer:s3cr@t:x", "--player", mpv + " --no-config --vo=null --ao=null --frames=50 {url}")
                .toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("player exited with code 0"), "mpv did not play through the login: " + r.stderr());
    }

    @Test
    void sigtermToFluxStopsThePlayerItStarted() throws Exception {
        // a "player" that notes its pid and waits, as a real one playing the URL would
        Path pidFile = work.resolve("player.pid");
        Path player = work.resolve("player.sh");
        Files.writeString(player, "#!/bin/sh\necho $$ > " + Tools.shellQuote(pidFile.toString()) + "\nexec sleep 300\n");
        assertTrue(player.toFile().setExecutable(true));
        try (FluxRun flux = FluxRun.start(work.resolve("player-run"),
                fluxArgs(mkvTorrent.magnet(tracker.announceUrl()), "--json", "--port", "0", "--player", player.toString()))) {
            flux.awaitEvent("ready", 30);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle playing = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("the player is not running"));
            try {
                flux.process().destroy(); // SIGTERM, as systemctl stop or kill sends it
                assertTrue(flux.process().waitFor(20, TimeUnit.SECONDS), "flux did not stop on SIGTERM");
                assertTrue(playing.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join() != null,
                        "the player outlived flux: " + flux.stderr());
            } finally {
                playing.destroyForcibly();
            }
        }
    }
}
