package flux.it;

import flux.engine.Engine;
import flux.engine.EngineSettings;
import flux.engine.TorrentInput;
import flux.engine.TorrentSession;
import flux.lab.Net;
import flux.lab.TorrentMaker;
import flux.lab.WirePeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link TorrentSession#active()}, which `flux seed` waits for before it says a torrent is ready: bt
 * answers a peer's handshake for a torrent only once it has started it, a few milliseconds after its
 * data was checked, and closes the connection before that (a seed that said "ready" on the check
 * refused 2 of 20 leechers dialling at that moment, in a lab loop). The dial happens on the thread
 * that completes the future, before anything else runs there: completed any sooner (at the check,
 * which runs on bt's processing thread), bt could not start the torrent meanwhile and the handshake
 * would be refused every time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TorrentActiveIT {
    @TempDir
    Path tmp;

    @Test
    void aPeerIsAnsweredTheMomentTheTorrentIsActive() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data")).resolve("clip.bin");
        byte[] bytes = new byte[1 << 20];
        new Random(3).nextBytes(bytes);
        Files.write(data, bytes);
        TorrentMaker.Made made = TorrentMaker.make(data, tmp.resolve("clip.torrent"), null, 16);
        String ip = Net.freshLoopback();
        int port = Net.freePort(ip);
        EngineSettings settings = EngineSettings.defaults().withBind(InetAddress.getByName(ip)).withPeerPort(port)
                .withDht(false).withMostlyUploads(true);
        try (Engine engine = Engine.start(settings, true)) {
            TorrentSession session = engine.open(new TorrentInput.TorrentFile(made.torrent()), data.getParent(),
                    s -> { }, () -> false);
            CompletableFuture<String> handshake = session.active().thenApply(started -> dial(ip, port, made.infoHash()));
            assertEquals("answered", handshake.get(60, TimeUnit.SECONDS));
        }
    }

    private static String dial(String ip, int port, String infoHash) {
        try (WirePeer peer = WirePeer.connect(Net.freshLoopback(), ip, port, infoHash)) {
            return "answered";
        } catch (IOException e) {
            return "refused: " + e;
        }
    }
}
