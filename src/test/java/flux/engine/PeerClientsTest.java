package flux.engine;

import bt.net.PeerId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerClientsTest {
    private static PeerId id(String prefix) {
        byte[] id = Arrays.copyOf(prefix.getBytes(StandardCharsets.ISO_8859_1), 20);
        return PeerId.fromBytes(id);
    }

    @Test
    void transmissionAndPeersNotYetShakenHandsWithAreNotKnownToAnswerAtOnce() {
        PeerClients clients = new PeerClients();
        InetSocketAddress aria2 = new InetSocketAddress("127.0.0.3", 6881);
        InetSocketAddress transmission = new InetSocketAddress("127.0.0.2", 51413);
        InetSocketAddress qbittorrent = new InetSocketAddress("127.0.0.4", 8999);
        clients.handshake(aria2, id("A2-1-36-0-"));
        clients.handshake(transmission, id("-TR3000-"));
        clients.handshake(qbittorrent, id("-qB4520-"));

        assertTrue(clients.answersAtOnce(aria2));
        assertTrue(clients.answersAtOnce(qbittorrent));
        assertFalse(clients.answersAtOnce(transmission), "Transmission sends at its half-second pulse");
        assertFalse(clients.answersAtOnce(new InetSocketAddress("127.0.0.5", 6881)), "no handshake yet");
        clients.disconnected(aria2);
        assertFalse(clients.answersAtOnce(aria2), "gone");
    }
}
