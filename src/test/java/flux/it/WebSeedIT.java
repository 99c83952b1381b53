package flux.it;

import flux.lab.FluxRun;
import flux.lab.LibtorrentSeeder;
import flux.lab.Lighttpd;
import flux.lab.Media;
import flux.lab.Mpv;
import flux.lab.Net;
import flux.lab.Tools;
import flux.seed.TorrentCreator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web seeds (BEP 19): a torrent that lists HTTP servers with its files streams from them, with no
 * peer at all or beside peers. The servers are lighttpd on loopback; the torrents have no tracker,
 * and the streams no DHT.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class WebSeedIT {
    private static final long PIECE = 64 * 1024;

    @TempDir
    Path work;

    @Test
    void mpvPlaysAndSeeksAStreamWhoseOnlySourceIsAWebSeed() throws Exception {
        Path www = Files.createDirectories(work.resolve("www"));
        Path video = Files.copy(Media.mp4MoovAtEnd(40, 2000), www.resolve("clip.mp4"));
        try (Lighttpd server = Lighttpd.serve(work.resolve("httpd"), www, "127.0.0.1")) {
            Path torrent = torrentOf(video, List.of(server.url() + "clip.mp4"));
            try (FluxRun flux = FluxRun.start(work, FluxRun.streamArgs(work, torrent.toString(), "--port", "0", "--json"));
                 Mpv mpv = Mpv.play(work, FluxRun.field(flux.awaitEvent("ready", 60), "url"), 30)) {
                mpv.awaitPlayingPast(0.5, 60); // the moov at the end of the file came first
                double target = mpv.number("duration") * 0.8;
                mpv.seekPercent(80, 60);
                double at = mpv.number("time-pos");
                assertTrue(Math.abs(at - target) < 1.5, "the seek to " + target + " s landed at " + at + " s: " + mpv.log());
                mpv.awaitPlayingPast(target + 0.5, 30);
                assertTrue(flux.stderr().contains("also downloading from web seed " + server.url() + "clip.mp4"), flux.stderr());
            }
        }
    }

    @Test
    void aMultiFileTorrentsFilesAreUnderItsNameInTheSeedsFolder() throws Exception {
        Path www = Files.createDirectories(work.resolve("www"));
        Path show = Files.createDirectories(www.resolve("My Show").resolve("extras"));
        Files.copy(Media.mkv(8, 600), www.resolve("My Show").resolve("part one.mkv"));
        Path wanted = Files.copy(Media.mp4MoovAtEnd(8, 600), show.resolve("clip ä.mp4"));
        try (Lighttpd server = Lighttpd.serve(work.resolve("httpd"), www, "127.0.0.1")) {
            // the folder's URL: the files are at <url>My%20Show/extras/clip%20%C3%A4.mp4 and so on
            Path torrent = torrentOf(www.resolve("My Show"), List.of(server.url()));
            String streamed = FluxRun.toStdout(work.resolve("stream.err"),
                    FluxRun.streamArgs(work, torrent.toString(), "--select", "*.mp4", "-o", "-"));
            assertEquals(Tools.sha256(wanted), streamed, Files.readString(work.resolve("stream.err")));
        }
    }

    @Test
    void aMagnetsWebSeedFeedsTheStreamOnceAPeerGaveTheMetadata() throws Exception {
        Path www = Files.createDirectories(work.resolve("www"));
        Path video = Files.copy(Media.mp4MoovAtEnd(40, 2000), www.resolve("clip.mp4"));
        String seederAddress = Net.freshLoopback();
        int seederPort = Net.freePort(seederAddress);
        // the only peer sends pieces at 1 KiB/s (10 MiB: hours) but the metadata at once
        try (Lighttpd server = Lighttpd.serve(work.resolve("httpd"), www, "127.0.0.1");
             FluxRun seeder = FluxRun.start(work, List.of("seed", video.toString(), "--no-dht", "--bind", seederAddress,
                     "--peer-port", Integer.toString(seederPort), "--upload-limit", "1K", "--json",
                     "--state", work.resolve("state").toString(), "--status-interval", "0"))) {
            String hash = FluxRun.field(seeder.awaitEvent("ready", 60), "infoHash");
            String magnet = "magnet:?xt=urn:btih:" + hash + "&ws=" + java.net.URLEncoder.encode(server.url() + "clip.mp4",
                    java.nio.charset.StandardCharsets.UTF_8);
            String streamed = FluxRun.toStdout(work.resolve("stream.err"),
                    FluxRun.streamArgs(work, magnet, "--peer", seederAddress + ":" + seederPort, "-o", "-"));
            assertEquals(Tools.sha256(video), streamed, Files.readString(work.resolve("stream.err")));
        }
    }

    @Test
    void aWebSeedThatFailsIsSaidOnceAndThePeersDeliver() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Path video = Files.copy(Media.mp4MoovAtEnd(40, 2000), data.resolve("clip.mp4"));
        Path www = Files.createDirectories(work.resolve("www")); // without the file: 404
        try (Lighttpd server = Lighttpd.serve(work.resolve("httpd"), www, "127.0.0.1")) {
            Path torrent = torrentOf(video, List.of(server.url() + "clip.mp4"));
            String seederAddress = Net.freshLoopback();
            int seederPort = Net.freePort(seederAddress);
            try (LibtorrentSeeder seeder = LibtorrentSeeder.start(work, seederAddress, seederPort, torrent, data, 500)) {
                String streamed = FluxRun.toStdout(work.resolve("stream.err"), FluxRun.streamArgs(work, torrent.toString(),
                        "--peer", seederAddress + ":" + seederPort, "-o", "-"));
                String log = Files.readString(work.resolve("stream.err"));
                assertEquals(Tools.sha256(video), streamed, log);
                List<String> said = log.lines().filter(l -> l.contains("web seed")).toList();
                assertEquals(2, said.size(), "the web seed named as used, then its failure once: " + said);
                assertTrue(said.get(1).contains("web seed " + server.url() + "clip.mp4 failed (HTTP 404"), said.toString());
            }
        }
    }

    @Test
    void aWebSeedSendingOtherBytesIsDroppedAndNoneOfThemIsServed() throws Exception {
        Path good = Files.createDirectories(work.resolve("good"));
        Path bad = Files.createDirectories(work.resolve("bad"));
        Path video = Files.copy(Media.mp4MoovAtEnd(40, 2000), good.resolve("clip.mp4"));
        byte[] other = Files.readAllBytes(video);
        for (int i = 0; i < other.length; i += 4096) {
            other[i] ^= 0x55; // the same size, a wrong byte in every block
        }
        Files.write(bad.resolve("clip.mp4"), other);
        try (Lighttpd goodServer = Lighttpd.serve(work.resolve("httpd-good"), good, "127.0.0.1");
             Lighttpd badServer = Lighttpd.serve(work.resolve("httpd-bad"), bad, "127.0.0.1")) {
            Path torrent = torrentOf(video, List.of(badServer.url() + "clip.mp4", goodServer.url() + "clip.mp4"));
            String streamed = FluxRun.toStdout(work.resolve("stream.err"),
                    FluxRun.streamArgs(work, torrent.toString(), "-o", "-"));
            String log = Files.readString(work.resolve("stream.err"));
            assertEquals(Tools.sha256(video), streamed, log);
            assertTrue(log.contains("web seed " + badServer.url() + "clip.mp4 sent 3 pieces that do not match the torrent; "
                    + "no longer asking it"), log);
        }
    }

    @Test
    void theChosenFilesFirstPiecesAreFetchedWhileBtStartsAndNeverAgain() throws Exception {
        Path www = Files.createDirectories(work.resolve("www"));
        Path pack = Files.createDirectories(www.resolve("pack"));
        Path before = Files.copy(Media.mkv(8, 600), pack.resolve("a.mkv"));
        Path wanted = Files.copy(Media.mp4MoovAtEnd(40, 2000), pack.resolve("b.mp4"));
        String url;
        String streamed;
        try (Lighttpd server = Lighttpd.serve(work.resolve("httpd"), www, "127.0.0.1")) {
            url = server.url();
            Path torrent = torrentOf(pack, List.of(url));
            streamed = FluxRun.toStdout(work.resolve("stream.err"),
                    FluxRun.streamArgs(work, torrent.toString(), "--select", "*.mp4", "-o", "-", "-v"));
        } // lighttpd writes its access log out as it stops
        String log = Files.readString(work.resolve("stream.err"));
        assertEquals(Tools.sha256(wanted), streamed, log);
        // the pieces of b.mp4's first 2 MiB, the first of them shared with the end of a.mkv
        long first = Files.size(before) / PIECE;
        long last = (Files.size(before) + (2L << 20) - 1) / PIECE;
        String fetched = "fetched pieces " + first + "-" + last + " from web seed " + url + " ahead";
        assertTrue(log.contains(fetched), log);
        assertTrue(log.indexOf(fetched) < log.indexOf("also downloading from web seed"), "before bt was ready: " + log);
        // and handed to bt: no byte of b.mp4 was asked for twice
        List<long[]> asked = Files.readAllLines(work.resolve("httpd").resolve(Lighttpd.ACCESS_LOG)).stream()
                .filter(line -> line.startsWith("/pack/b.mp4 bytes=")).map(line -> line.substring(line.indexOf('=') + 1).split("-"))
                .map(range -> new long[]{Long.parseLong(range[0]), Long.parseLong(range[1])})
                .sorted(java.util.Comparator.comparingLong(range -> range[0])).toList();
        assertEquals(0, asked.get(0)[0], "the head: " + asked.size() + " requests");
        for (int i = 1; i < asked.size(); i++) {
            assertTrue(asked.get(i)[0] > asked.get(i - 1)[1], "bytes " + asked.get(i)[0] + "-" + asked.get(i)[1]
                    + " asked for again, after " + asked.get(i - 1)[0] + "-" + asked.get(i - 1)[1] + "; "
                    + log.lines().filter(line -> line.contains("ahead")).toList());
        }
    }

    @Test
    void aSlowWebSeedBesideAPeerHoldsNoPieceBackFromIt() throws Exception {
        // 2 MiB of 64 KiB pieces at 50 KiB/s take the server 40 s: a run that size, kept from
        // the peer, made this stream take 42 s
        String log = streamBesideASlowWebSeed(PIECE, 50);
        // the head was still coming when bt was ready: kept from no peer
        assertTrue(log.contains("come from what was fetched ahead, as they come"), log);
    }

    /**
     * Streams a .torrent of {@code piece}-sized pieces from a libtorrent peer beside lighttpd at
     * {@code kibPerSecond}; returns the stream's log. Not a speed test: the server would need
     * minutes for the file, and the peer sends it in about a second, so a stream that waits on
     * the server for anything but a piece or two takes over 20 s.
     */
    private String streamBesideASlowWebSeed(long piece, int kibPerSecond) throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Path video = Files.copy(Media.mp4MoovAtEnd(40, 2000), data.resolve("clip.mp4"));
        String seederAddress = Net.freshLoopback();
        int seederPort = Net.freePort(seederAddress);
        try (Lighttpd server = Lighttpd.serveSlowly(work.resolve("httpd"), data, "127.0.0.1", kibPerSecond)) {
            Path torrent = torrentOf(video, List.of(server.url() + "clip.mp4"), piece);
            try (LibtorrentSeeder seeder = LibtorrentSeeder.start(work, seederAddress, seederPort, torrent, data, 500)) {
                long started = System.nanoTime();
                String streamed = FluxRun.toStdout(work.resolve("stream.err"), FluxRun.streamArgs(work, torrent.toString(),
                        "--peer", seederAddress + ":" + seederPort, "-o", "-", "-v"));
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                String log = Files.readString(work.resolve("stream.err"));
                assertEquals(Tools.sha256(video), streamed, log);
                assertTrue(seconds < 20, "the stream waited on the slow web seed: " + seconds + " s");
                return log;
            }
        }
    }

    @Test
    void anHttpWebSeedThatMovedToHttpsIsFollowedThere() throws Exception {
        Path www = Files.createDirectories(work.resolve("www"));
        Path video = Files.copy(Media.mp4MoovAtEnd(40, 2000), www.resolve("clip.mp4"));
        String streamed;
        try (Lighttpd tls = Lighttpd.serveTls(work.resolve("https"), www, "127.0.0.1");
             Lighttpd old = Lighttpd.redirectTo(work.resolve("http"), "127.0.0.1", tls.url())) {
            Path torrent = torrentOf(video, List.of(old.url() + "clip.mp4"));
            // the JDK follows no redirect from http to https by itself
            streamed = FluxRun.toStdout(work.resolve("stream.err"), FluxRun.streamArgs(work, torrent.toString(), "-o", "-"),
                    java.util.Map.of("JDK_JAVA_OPTIONS", "-Djavax.net.ssl.trustStore=" + Lighttpd.trustStore(work.resolve("https"))
                            + " -Djavax.net.ssl.trustStorePassword=changeit"));
        }
        String log = Files.readString(work.resolve("stream.err"));
        assertEquals(Tools.sha256(video), streamed, log);
        assertFalse(log.contains("failed"), log);
        List<String> redirected = Files.readAllLines(work.resolve("http").resolve(Lighttpd.ACCESS_LOG));
        List<String> served = Files.readAllLines(work.resolve("https").resolve(Lighttpd.ACCESS_LOG));
        assertTrue(served.stream().filter(line -> line.startsWith("/clip.mp4 bytes=")).count() > 0, served.toString());
        // each of the (at most 6) connections learns where the file went from its first request
        assertTrue(redirected.size() <= 6, "asked the old place " + redirected.size() + " times, the new one "
                + served.size() + " times");
    }

    /** A .torrent of the content with these web seeds and no tracker. */
    private Path torrentOf(Path content, List<String> webSeeds) throws Exception {
        return torrentOf(content, webSeeds, PIECE);
    }

    private Path torrentOf(Path content, List<String> webSeeds, long piece) throws Exception {
        TorrentCreator.Options options = new TorrentCreator.Options(List.of(), webSeeds, piece, false, null, null, "flux");
        return Files.write(work.resolve(content.getFileName() + ".torrent"), TorrentCreator.create(content, options).torrent());
    }
}
