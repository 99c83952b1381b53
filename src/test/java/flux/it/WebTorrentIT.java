package flux.it;

import flux.lab.Media;
import flux.lab.Namespace;
import flux.lab.Tools;
import flux.lab.WebTorrent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * flux and webtorrent-cli (WebTorrent's Node.js client, TCP and uTP) in one swarm, both ways: flux
 * streams a magnet that only webtorrent seeds (the metadata comes from webtorrent too), and
 * webtorrent downloads from `flux seed`. Both run in a network namespace with only loopback,
 * since webtorrent cannot turn off its DHT, Local Service Discovery or UPnP.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class WebTorrentIT {
    private static final int FLUX_PEER_PORT = 45201;
    private static final int WEBTORRENT_PEER_PORT = 45202;
    private static final int WEBTORRENT_HTTP_PORT = 45203;

    @TempDir
    Path work;

    @Test
    void fluxStreamsAMagnetThatWebtorrentSeedsSeekFirst() throws Exception {
        byte[] video = Files.readAllBytes(Media.mp4MoovAtEnd(30, 1000));
        Files.write(work.resolve("clip.mp4"), video);
        int tail = video.length / 10 * 9;
        String stream = Namespace.flux(List.of("stream", "MAGNET", "--peer", "127.0.0.1:" + WEBTORRENT_PEER_PORT, "--no-dht",
                "--bind", "127.0.0.1", "--peer-port", "0", "--cache-dir", work.resolve("cache").toString(), "--port", "0",
                "--json"), List.of()).replace(Tools.shellQuote("MAGNET"), "\"$magnet\"");
        String out = Namespace.run(work, 120,
                WebTorrent.require() + " seed clip.mp4 --quiet --torrent-port " + WEBTORRENT_PEER_PORT + " --port "
                        + WEBTORRENT_HTTP_PORT + " > webtorrent.out 2> webtorrent.err &",
                "webtorrent=$!",
                "trap 'kill $webtorrent 2>/dev/null || true' EXIT",
                "set +e",
                "for i in $(seq 1 200); do grep -q magnet: webtorrent.out && ss -ltn | grep -q ':" + WEBTORRENT_PEER_PORT
                        + " ' && break; sleep 0.1; done",
                // its info-hash alone: the magnet's public trackers are no place for a test to go
                "magnet=$(grep -o 'magnet:?xt=urn:btih:[0-9a-fA-F]*' webtorrent.out | head -1)",
                "echo \"webtorrent seeds $magnet\"",
                stream + " > stream.out 2> stream.err &",
                "stream=$!",
                "for i in $(seq 1 300); do grep -q '\"event\":\"ready\"' stream.out && break; sleep 0.1; done",
                "url=$(grep '\"event\":\"ready\"' stream.out | grep -o '\"url\":\"[^\"]*\"' | cut -d'\"' -f4)",
                "curl -fsS --max-time 60 -r " + tail + "- -o tail.bin \"$url\"; echo \"seek exit: $?\"",
                "curl -fsS --max-time 60 -o whole.bin \"$url\"; echo \"whole exit: $?\"",
                "kill -TERM $stream; wait $stream",
                "cat stream.err");
        assertTrue(out.contains("webtorrent seeds magnet:?xt=urn:btih:"), out);
        assertTrue(out.contains("seek exit: 0"), out);
        assertTrue(out.contains("whole exit: 0"), out);
        assertEquals(Tools.sha256(Arrays.copyOfRange(video, tail, video.length)), Tools.sha256(work.resolve("tail.bin")),
                "the last tenth, read first\n" + out);
        assertEquals(Tools.sha256(video), Tools.sha256(work.resolve("whole.bin")), out);
    }

    @Test
    void webtorrentDownloadsWhatFluxSeedsOverTcpOnceItsUtpDialIsRefused() throws Exception {
        byte[] video = Files.readAllBytes(Media.mp4MoovAtEnd(30, 1000));
        Files.write(work.resolve("clip.mp4"), video);
        String seed = Namespace.flux(List.of("seed", work.resolve("clip.mp4").toString(), "--bind", "127.0.0.1", "--peer-port",
                Integer.toString(FLUX_PEER_PORT), "--no-dht", "--state", work.resolve("state").toString(), "--json", "-v"), List.of());
        String out = Namespace.run(work, 120,
                seed + " > seed.out 2> seed.err &",
                "seeder=$!",
                "trap 'kill $seeder 2>/dev/null || true' EXIT",
                "set +e",
                "for i in $(seq 1 200); do grep -q magnet: seed.out && break; sleep 0.1; done",
                "hash=$(grep -o 'btih:[0-9a-fA-F]*' seed.out | head -1 | cut -d: -f2)",
                // the seeder's address in the magnet (x.pe), as a user shares it without a tracker
                "timeout 100 " + WebTorrent.require() + " download \"magnet:?xt=urn:btih:$hash&x.pe=127.0.0.1:" + FLUX_PEER_PORT
                        + "\" --out got --quiet --torrent-port " + WEBTORRENT_PEER_PORT + " --port " + WEBTORRENT_HTTP_PORT
                        + " > webtorrent.out 2> webtorrent.err; echo \"webtorrent exit: $?\"",
                "cat webtorrent.err");
        assertTrue(out.contains("webtorrent exit: 0"), out);
        assertEquals(Tools.sha256(video), Tools.sha256(work.resolve("got/clip.mp4")), out);
        String log = Files.readString(work.resolve("seed.err"));
        assertTrue(log.contains("refused a uTP dial from /127.0.0.1:"), "webtorrent dials uTP first; flux refuses it");
    }
}
