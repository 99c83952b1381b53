package flux.it;

import flux.lab.FluxRun;
import flux.lab.Net;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A torrent of 8 MiB pieces (512 blocks each) from one Transmission seeder. Transmission keeps
 * 511 requests per peer and drops the rest without a word; bt then waits seconds for a dropped
 * block, until its assignment times out. A stream asks for its first two pieces at once, 1024
 * blocks: its requests must come in as the seeder's queue makes room.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BigPiecesIT {
    private Path work;
    private Path file;
    private TorrentMaker.Made torrent;
    private TransmissionPeer seeder;
    private String seederAddress;

    @BeforeAll
    void startSeeder() throws Exception {
        work = Files.createDirectories(Path.of("target", "lab-runs", "big-pieces-" + System.currentTimeMillis()).toAbsolutePath());
        String ip = Net.freshLoopback();
        int port = Net.freePort(ip);
        seederAddress = ip + ":" + port;
        seeder = TransmissionPeer.startLoggingRequests(work.resolve("seeder"), ip, port, Net.freePort(ip));
        file = seeder.dataDir().resolve("big.bin");
        byte[] data = new byte[24 << 20];
        new Random(23).nextBytes(data);
        Files.write(file, data);
        torrent = TorrentMaker.make(file, work.resolve("big.torrent"), null, 23);
        seeder.seed(torrent.torrent());
    }

    @AfterAll
    void stopSeeder() {
        Tools.closeAll(seeder);
    }

    @Test
    void theSeedersRequestQueueIsNeverOverfilled() throws Exception {
        String hash = FluxRun.toStdout(work.resolve("flux.stderr"),
                FluxRun.streamArgs(work, torrent.torrent().toString(), "-o", "-", "--peer", seederAddress));
        assertEquals(Tools.sha256(file), hash);

        String log = Files.readString(seeder.log());
        assertTrue(log.contains("got Request"), "Transmission logs the requests it takes");
        assertFalse(log.contains("reqq is full"), "Transmission dropped requests: "
                + log.lines().filter(l -> l.contains("reqq is full")).count());
    }
}
