package flux.it;

import flux.lab.Aria2;
import flux.lab.FluxRun;
import flux.lab.LibtorrentSeeder;
import flux.lab.Net;
import flux.lab.OpenTracker;
import flux.lab.Tools;
import flux.seed.TorrentCreator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `flux seed --watch DIR`: what is in the folder at the start is seeded, a file copied in later is
 * seeded once the copy ended (aria2c then downloads it from flux through opentracker), and a file
 * deleted is no longer seeded. Meanwhile `--http` tells a monitor what was uploaded: /status.json,
 * and /metrics as Prometheus' own Python client parses it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SeedWatchIT {
    @Test
    void aWatchedFolderSeedsWhatAppearsOnceCopiedAndStopsWhatGoesAndSaysSoOverHttp() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "lab-runs", "watch-" + System.nanoTime()).toAbsolutePath());
        Path folder = Files.createDirectories(work.resolve("incoming"));
        Random random = new Random(7);
        byte[] first = new byte[300_000];
        byte[] later = new byte[2_000_000];
        random.nextBytes(first);
        random.nextBytes(later);
        Path there = Files.write(folder.resolve("there-at-start.bin"), first);
        Files.write(folder.resolve(".hidden.bin"), later);
        Path copied = folder.resolve("copied-later.bin");
        Path original = Files.write(work.resolve("copied-later.bin"), later);

        int trackerPort = Net.freePort("127.0.0.1");
        String announce = "http://127.0.0.1:" + trackerPort + "/announce";
        TorrentCreator.Options options = new TorrentCreator.Options(List.of(announce), List.of(), 32 * 1024, false, null, null, "flux");
        String thereHash = TorrentCreator.create(there, options).infoHash();
        TorrentCreator.Created laterTorrent = TorrentCreator.create(original, options);
        List<String> args = List.of("seed", "--watch", folder.toString(), "--no-dht", "--bind", Net.freshLoopback(),
                "--peer-port", "0", "--json", "--state", work.resolve("state").toString(), "-t", announce,
                "--piece-size", "32K", "--status-interval", "0", "--http", "127.0.0.1:0");
        try (OpenTracker tracker = OpenTracker.start(work.resolve("tracker"), "127.0.0.1", trackerPort,
                List.of(thereHash, laterTorrent.infoHash()));
             FluxRun flux = FluxRun.start(work, args)) {
            String ready = flux.awaitEvent("ready", 60);
            assertEquals(there.toString(), FluxRun.field(ready, "path"), ready);
            assertEquals(thereHash, FluxRun.field(ready, "infoHash"));

            // copied in 20 writes over ~2 s: a torrent of the file half-copied would have another info-hash
            try (OutputStream out = Files.newOutputStream(copied)) {
                for (int i = 0; i < 20; i++) {
                    out.write(later, i * later.length / 20, later.length / 20);
                    out.flush();
                    Thread.sleep(100);
                }
            }
            ready = flux.awaitEvent("ready", 60);
            assertEquals(copied.toString(), FluxRun.field(ready, "path"), ready);
            assertEquals(laterTorrent.infoHash(), FluxRun.field(ready, "infoHash"), "taken only once its copy ended");

            tracker.awaitPeer(laterTorrent.infoHash(), "flux's seed of the copied file");
            Path torrent = Files.write(work.resolve("later.torrent"), laterTorrent.torrent());
            Aria2.download(torrent, work.resolve("aria2"), Net.freshLoopback(), 60);
            assertEquals(Tools.sha256(original), Tools.sha256(work.resolve("aria2").resolve("copied-later.bin")));
            checkStatus(flux.stderr(), laterTorrent.infoHash(), later.length);

            Files.delete(there);
            String stopped = flux.awaitEvent("stopped", 30);
            assertEquals(thereHash, FluxRun.field(stopped, "infoHash"), stopped);
            assertEquals("removed from " + folder, FluxRun.field(stopped, "reason"));

            flux.process().destroy();
            assertTrue(flux.process().waitFor(30, TimeUnit.SECONDS), "flux seed did not stop on SIGTERM");
            assertEquals(0, flux.process().exitValue(), flux.stderr());
            assertFalse(flux.unread().stream().anyMatch(l -> l.contains(".hidden.bin")), "hidden files are not seeded");
        }
    }

    /** What --http says once aria2c has the file: its upload, in the JSON and in the metrics. */
    private static void checkStatus(String stderr, String infoHash, long size) throws Exception {
        Matcher said = Pattern.compile("flux: status on (http://127\\.0\\.0\\.1:\\d+)/status\\.json").matcher(stderr);
        assertTrue(said.find(), stderr);
        String base = said.group(1);
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/status.json"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode());
        String torrent = status.body().substring(status.body().indexOf("\"infoHash\":\"" + infoHash + "\""));
        assertTrue(Long.parseLong(FluxRun.field(torrent, "uploaded")) >= size, status.body());
        assertTrue(Double.parseDouble(FluxRun.field(torrent, "ratio")) >= 1.0, status.body());
        String samples = Tools.run(30, LibtorrentSeeder.PYTHON, "-c", String.join("\n",
                "import sys, urllib.request",
                "from prometheus_client.parser import text_string_to_metric_families",
                "text = urllib.request.urlopen(sys.argv[1], timeout=10).read().decode()",
                "for family in text_string_to_metric_families(text):",
                "    for s in family.samples:",
                "        print(s.name, s.labels.get('info_hash', '-'), int(s.value))"), base + "/metrics");
        Matcher uploaded = Pattern.compile("flux_seed_uploaded_bytes_total " + infoHash + " (\\d+)").matcher(samples);
        assertTrue(uploaded.find(), samples);
        assertTrue(Long.parseLong(uploaded.group(1)) >= size, samples);
        assertTrue(samples.contains("flux_seed_size_bytes " + infoHash + " " + size), samples);
    }
}
