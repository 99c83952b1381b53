package flux.it;

import flux.lab.FluxRun;
import flux.lab.Net;
import flux.lab.OpenTracker;
import flux.lab.QBittorrentPeer;
import flux.lab.Tools;
import flux.lab.TorrentMaker;
import flux.lab.TransmissionPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers set to "Require encryption" (qBittorrent and Transmission), which take no plaintext
 * connection: flux streams from them and seeds to them over Message Stream Encryption (RC4).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EncryptionIT {
    private Path work;
    private OpenTracker tracker;
    private QBittorrentPeer qbittorrent;
    private TransmissionPeer transmission;
    private Path fromQBittorrent;
    private TorrentMaker.Made fromQBittorrentTorrent;
    private Path fromTransmission;
    private TorrentMaker.Made fromTransmissionTorrent;
    private Path toQBittorrent;
    private TorrentMaker.Made toQBittorrentTorrent;
    private Path toTransmission;
    private TorrentMaker.Made toTransmissionTorrent;

    @BeforeAll
    void startSwarm() throws Exception {
        work = Files.createDirectories(Path.of("target", "lab-runs", "encryption-" + System.currentTimeMillis()).toAbsolutePath());
        int trackerPort = Net.freePort("127.0.0.1");
        String announce = "http://127.0.0.1:" + trackerPort + "/announce";

        String qbIp = Net.freshLoopback();
        qbittorrent = QBittorrentPeer.start(work.resolve("qbittorrent"), qbIp, Net.freePort(qbIp), Net.freePort(qbIp), true);
        String trIp = Net.freshLoopback();
        transmission = TransmissionPeer.start(work.resolve("transmission"), trIp, Net.freePort(trIp), Net.freePort(trIp), 0, true);

        Path qbData = Files.createDirectories(work.resolve("qbittorrent-data"));
        fromQBittorrent = randomFile(qbData.resolve("from-qbittorrent.bin"), 3_000_000, 1);
        fromQBittorrentTorrent = TorrentMaker.make(fromQBittorrent, work.resolve("from-qbittorrent.torrent"), announce, 18);
        fromTransmission = randomFile(transmission.dataDir().resolve("from-transmission.bin"), 3_000_000, 2);
        fromTransmissionTorrent = TorrentMaker.make(fromTransmission, work.resolve("from-transmission.torrent"), announce, 18);
        // what flux seeds: mktorrent with flux's piece size and tracker makes the same info-hash
        Path fluxData = Files.createDirectories(work.resolve("flux-data"));
        toQBittorrent = randomFile(fluxData.resolve("to-qbittorrent.bin"), 3_000_000, 3);
        toQBittorrentTorrent = TorrentMaker.make(toQBittorrent, work.resolve("to-qbittorrent.torrent"), announce, 18);
        toTransmission = randomFile(fluxData.resolve("to-transmission.bin"), 3_000_000, 4);
        toTransmissionTorrent = TorrentMaker.make(toTransmission, work.resolve("to-transmission.torrent"), announce, 18);

        tracker = OpenTracker.start(work.resolve("tracker"), "127.0.0.1", trackerPort, List.of(fromQBittorrentTorrent.infoHash(),
                fromTransmissionTorrent.infoHash(), toQBittorrentTorrent.infoHash(), toTransmissionTorrent.infoHash()));
        qbittorrent.seed(fromQBittorrentTorrent, qbData);
        transmission.seed(fromTransmissionTorrent.torrent());
        // a magnet's only announce must find the seeder: the next would come after the tracker's interval
        tracker.awaitPeer(fromQBittorrentTorrent.infoHash(), "qBittorrent's seed");
        tracker.awaitPeer(fromTransmissionTorrent.infoHash(), "Transmission's seed");
    }

    @AfterAll
    void stopSwarm() {
        Tools.closeAll(qbittorrent, transmission, tracker);
    }

    private static Path randomFile(Path file, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Files.write(file, data);
    }

    @Test
    void streamsFromAQBittorrentThatRequiresEncryption() throws Exception {
        streamsEncrypted(fromQBittorrentTorrent, fromQBittorrent, "qbittorrent");
    }

    @Test
    void streamsFromATransmissionThatRequiresEncryption() throws Exception {
        streamsEncrypted(fromTransmissionTorrent, fromTransmission, "transmission");
    }

    /** The peer refuses flux's plaintext handshake; flux dials it again encrypted and gets every byte. */
    private void streamsEncrypted(TorrentMaker.Made made, Path content, String name) throws Exception {
        Path stderr = work.resolve(name + ".stderr");
        String hash = FluxRun.toStdout(stderr, FluxRun.streamArgs(work, made.magnet(tracker.announceUrl()), "-o", "-", "-v"));
        String log = Files.readString(stderr);
        assertEquals(Tools.sha256(content), hash, log);
        assertTrue(log.contains("encrypted connection to"), log);
    }

    @Test
    void aQBittorrentThatRequiresEncryptionDownloadsWhatFluxSeeds() throws Exception {
        try (FluxRun flux = FluxRun.start(work, seedArgs(toQBittorrent))) {
            String ready = flux.awaitEvent("ready", 60);
            Path into = Files.createDirectories(work.resolve("qbittorrent-downloads"));
            // qBittorrent dials flux: the encrypted handshake is flux's to answer
            qbittorrent.download(FluxRun.field(ready, "magnet"), into);
            qbittorrent.awaitComplete(toQBittorrentTorrent.infoHash(), 60);
            assertEquals(Tools.sha256(toQBittorrent), Tools.sha256(into.resolve(toQBittorrent.getFileName())));
        }
    }

    @Test
    void aTransmissionThatRequiresEncryptionDownloadsWhatFluxSeeds() throws Exception {
        // Transmission dials no loopback peer: flux finds it through the tracker and dials it
        transmission.remote("-a", toTransmissionTorrent.torrent().toString());
        tracker.awaitPeer(toTransmissionTorrent.infoHash(), "the Transmission leecher");
        try (FluxRun flux = FluxRun.start(work, seedArgs(toTransmission))) {
            flux.awaitEvent("ready", 60);
            Path file = transmission.dataDir().resolve(toTransmission.getFileName());
            long deadline = System.currentTimeMillis() + 60_000;
            while (!sameContent(file, toTransmission) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(sameContent(file, toTransmission), "Transmission has not the file after 60 s: "
                    + transmission.remote("-l") + "\nflux's log:\n" + flux.stderr());
        }
    }

    private static boolean sameContent(Path a, Path b) throws Exception {
        return Files.exists(a) && Files.size(a) == Files.size(b) && Tools.sha256(a).equals(Tools.sha256(b));
    }

    private List<String> seedArgs(Path file) {
        return List.of("seed", file.toString(), "-t", tracker.announceUrl(), "--piece-size", "256K", "--no-dht",
                // an address of its own: opentracker records where an announce comes from (it
                // ignores ip=), so the leecher finds flux only if its announces leave from there
                "--bind", Net.freshLoopback(), "--peer-port", "0", "--state", work.resolve("state-" + file.getFileName()).toString(),
                "--json", "--status-interval", "0", "-v");
    }
}
