package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.Engine;
import flux.engine.EngineSettings;
import flux.engine.TorrentInput;
import flux.engine.TorrentSession;
import flux.http.DemoTracker;
import flux.http.StreamServer;
import flux.seed.TorrentCreator;
import flux.ui.Events;
import flux.ui.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * `flux demo`: the whole path with no network at all. A second engine in this process seeds an
 * embedded test video on 127.0.0.1, a one-peer tracker points to it, and flux streams it from a
 * magnet through the normal path (announce, metadata from the peer, playback-order pieces, the
 * HTTP server) and plays or checks it.
 */
@Command(name = "demo", sortOptions = false,
        description = "See flux work with no network: seed an embedded test video from a second engine on "
                + "127.0.0.1 and stream it from its magnet. Opens mpv/vlc/ffplay when one is installed and a display "
                + "is available; otherwise downloads it over the stream URL and checks its SHA-256.",
        footerHeading = "%nExamples:%n",
        footer = {"  flux demo", "  flux demo --no-player", "  flux demo --serve     # keep serving; open the URL yourself"})
public class DemoCommand implements Callable<Integer> {
    private static final String VIDEO = "/flux/demo/flux-demo.mp4";

    @Option(names = "--player", paramLabel = "PLAYER", description = "Player to open (default: the first of mpv, vlc, ffplay found).")
    String player;

    @Option(names = "--no-player", description = "Do not open a player: stream over HTTP and check the bytes.")
    boolean noPlayer;

    @Option(names = "--serve", description = "Keep serving after the check, until Ctrl-C.")
    boolean serve;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Path work = Files.createTempDirectory("flux-demo");
        try (Cleanup cleanup = new Cleanup()) {
            cleanup.add("files", () -> DeleteTree.delete(work));
            Path video = extractVideo(work.resolve("seed"));
            TorrentCreator.Created made = TorrentCreator.create(video,
                    new TorrentCreator.Options(List.of(), List.of(), 64 * 1024, false, "flux demo", null, "flux"));

            EngineSettings loopback = EngineSettings.defaults().withBind(InetAddress.getLoopbackAddress())
                    .withPeerPort(0).withDht(false).withLsd(false);
            Engine seeder = Engine.start(loopback.withMostlyUploads(true), true); // a seed, as `flux seed` runs it
            cleanup.add("seeder", seeder::close);
            TorrentSession seeding = seeder.open(new TorrentInput.TorrentBytes(made.torrent(), "demo"), video.getParent(),
                    s -> s.trust(allPieces(s.meta().pieceCount())), () -> false);
            seeding.initiallyVerified().get(30, TimeUnit.SECONDS);
            seeding.active().get(30, TimeUnit.SECONDS); // the leecher's first dial is answered
            DemoTracker tracker = DemoTracker.start(new InetSocketAddress("127.0.0.1", seeder.peerPort()));
            cleanup.add("tracker", tracker::close);
            String magnet = made.magnet() + "&tr=" + URLEncoder.encode(tracker.announceUrl(), StandardCharsets.UTF_8);
            System.err.println("flux demo: seeding " + made.name() + " (" + Sizes.bytes(made.totalSize())
                    + ") on 127.0.0.1:" + seeder.peerPort() + ", tracker " + tracker.announceUrl() + "\n  " + magnet);

            TorrentInput input = TorrentInput.parse(magnet);
            Engine engine = Engine.start(loopback, true, input);
            cleanup.add("engine", engine::close);
            engine.onWriteFailure(Fatal.onWriteFailure(work, "free some space in " + work.getParent()));
            Streamer streamer = Streamer.open(engine, input, List.of(), work.resolve("cache"), false,
                    new Streamer.Plan(null, false, 32L << 20), new Events(System.out, false), 30, cleanup, false);
            StreamServer server = StreamServer.start(streamer.library(), "127.0.0.1", 0, true);
            cleanup.add("http", server::close);
            String url = server.fileUrl(streamer.file().index());
            System.err.println("flux demo: streaming at " + url);

            String command = noPlayer ? null : (player != null ? player : Players.installed());
            if (command != null) {
                Players.play(command, url);
            } else {
                String sha = sha256Over(url);
                String expected = sha256(video);
                if (!sha.equals(expected)) {
                    throw new FluxException(ExitCode.FAILURE, "demo: the streamed bytes differ from the seeded file");
                }
                System.out.printf("flux demo: OK: streamed %s over BitTorrent between two engines on 127.0.0.1 and "
                                + "served it at %s; SHA-256 matches (%s) in %.1f s%n", Sizes.bytes(made.totalSize()), url,
                        sha.substring(0, 16), (System.nanoTime() - started) / 1e9);
            }
            if (serve) {
                System.err.println("flux demo: serving until Ctrl-C");
                while (true) {
                    Thread.sleep(60_000);
                }
            }
            return ExitCode.OK.code;
        }
    }

    private static java.util.BitSet allPieces(int count) {
        java.util.BitSet all = new java.util.BitSet(count);
        all.set(0, count);
        return all;
    }

    private static Path extractVideo(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve("flux-demo.mp4");
        try (InputStream in = DemoCommand.class.getResourceAsStream(VIDEO)) {
            if (in == null) {
                throw new FluxException(ExitCode.FAILURE, "the demo video is missing from this build");
            }
            Files.copy(in, target);
        }
        return target;
    }

    private static String sha256Over(String url) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
            return sha256(body);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
