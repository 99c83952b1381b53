package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.PeerId;
import bt.protocol.Handshake;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class PeerScoutTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void announcesThenConnectsAndSendsBtsHandshakeForBtToAdopt() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(bytes(20, 7));
        PeerId peerId = Engine.newPeerId();
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK);
             ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            CompletableFuture<String> announce = CompletableFuture.supplyAsync(() -> answerOnce(tracker, peer.getLocalPort()));
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readHandshake(peer));
            String announceUrl = "http://127.0.0.1:" + tracker.getLocalPort() + "/announce";

            PeerScout scout = PeerScout.start(new PeerScout.Target(torrent, List.of("udp://127.0.0.1:9/x", announceUrl), 1000),
                    peerId, false, 51413, LOOPBACK, new TrackerReplies());

            String request = announce.get(10, TimeUnit.SECONDS);
            assertTrue(request.startsWith("GET /announce?info_hash=" + Announce.escape(torrent.getBytes())
                    + "&peer_id=" + Announce.escape(peerId.getBytes()) + "&port=51413&"), request);
            assertTrue(request.contains("&left=1000&") && request.contains("&event=started"), request);
            byte[] handshake = received.get(10, TimeUnit.SECONDS);
            Handshake bts = PeerScout.handshake(torrent, peerId, false);
            assertEquals(19, handshake[0]);
            assertEquals("BitTorrent protocol", new String(handshake, 1, 19, StandardCharsets.US_ASCII));
            assertArrayEquals(new byte[]{0, 0, 0, 0, 0, 0x10, 0, 0}, Arrays.copyOfRange(handshake, 20, 28),
                    "only the extension-protocol bit (BEP 10)");
            assertArrayEquals(torrent.getBytes(), Arrays.copyOfRange(handshake, 28, 48));
            assertArrayEquals(peerId.getBytes(), Arrays.copyOfRange(handshake, 48, 68));
            assertEquals("-Bt", new String(peerId.getBytes(), 0, 3, StandardCharsets.US_ASCII));

            InetSocketAddress peerAddress = new InetSocketAddress(LOOPBACK, peer.getLocalPort());
            assertNull(scout.claim(TorrentId.fromBytes(bytes(20, 8)), peerAddress), "another torrent");
            SocketChannel channel = scout.claim(torrent, peerAddress);
            assertNotNull(channel);
            try (channel) {
                assertTrue(channel.isConnected());
                assertEquals(peerAddress, channel.getRemoteAddress());
                assertNull(scout.claim(torrent, peerAddress), "a connection is handed out once");
                assertEquals(1, scout.adopted());
                assertTrue(scout.alreadySent(peerAddress, bts), "bt must not send its handshake again");
                assertFalse(scout.alreadySent(peerAddress, bts), "only the first one was sent by the scout");
            }
            scout.close();
        }
    }

    @Test
    void meetsThePeersTheUserNamedWithoutATracker() throws Exception {
        String hash = "cd".repeat(20);
        TorrentId torrent = TorrentId.fromBytes(bytes(20, 0xcd));
        TorrentInput bare = TorrentInput.parse(hash);
        assertTrue(PeerScout.Target.of(bare, List.of()).isEmpty(), "no tracker and no peer: nothing to scout");
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK)) {
            InetSocketAddress peerAddress = new InetSocketAddress(LOOPBACK, peer.getLocalPort());
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readHandshake(peer));
            PeerId peerId = Engine.newPeerId();
            PeerScout scout = PeerScout.start(PeerScout.Target.of(bare, List.of(peerAddress)).orElseThrow(), peerId, false,
                    51413, LOOPBACK, new TrackerReplies());
            byte[] handshake = received.get(10, TimeUnit.SECONDS);
            assertArrayEquals(torrent.getBytes(), Arrays.copyOfRange(handshake, 28, 48));
            assertArrayEquals(peerId.getBytes(), Arrays.copyOfRange(handshake, 48, 68));
            assertEquals(List.of(peerAddress), scout.peers(torrent), "handed to bt when the torrent is active");
            try (SocketChannel channel = scout.claim(torrent, peerAddress)) {
                assertNotNull(channel);
                assertTrue(scout.alreadySent(peerAddress, PeerScout.handshake(torrent, peerId, false)));
            }
            scout.close();
        }
    }

    @Test
    void aConnectionBtCouldNotAdoptLeavesNoHandshakeMarkedAsSent() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(bytes(20, 9));
        PeerId peerId = Engine.newPeerId();
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK);
             ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            PeerScout scout = scoutOnePeer(tracker, peer, torrent, peerId, false).scout();
            InetSocketAddress peerAddress = new InetSocketAddress(LOOPBACK, peer.getLocalPort());
            try (SocketChannel channel = scout.claim(torrent, peerAddress)) {
                assertNotNull(channel);
            }
            // the peer hung up before bt sent anything on it: bt dials again, and that connection
            // has had no handshake yet
            scout.adoptionFailed(peerAddress);
            assertFalse(scout.alreadySent(peerAddress, PeerScout.handshake(torrent, peerId, false)),
                    "bt would skip its handshake on a new connection and wait for a reply that never comes");
            scout.close();
        }
    }

    @Test
    void theAnnounceComesFromTheBoundAddressWhichTrackersRecord() throws Exception {
        InetAddress bound = InetAddress.getByName("127.0.0.3");
        try (ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            CompletableFuture<InetAddress> from = CompletableFuture.supplyAsync(() -> {
                try (Socket s = tracker.accept()) {
                    return s.getInetAddress();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            PeerScout scout = PeerScout.start(new PeerScout.Target(TorrentId.fromBytes(bytes(20, 4)),
                    List.of("http://127.0.0.1:" + tracker.getLocalPort() + "/announce"), 1), Engine.newPeerId(), false, 6881, bound, new TrackerReplies());
            // opentracker ignores ip= and lists the request's source: from 127.0.0.1 the swarm
            // would be told to dial an address where flux does not listen
            assertEquals(bound, from.get(10, TimeUnit.SECONDS));
            scout.close();
        }
    }

    @Test
    void aConnectionWhoseHandshakeDiffersFromBtsIsRefused() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(bytes(20, 1));
        PeerId peerId = Engine.newPeerId();
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK);
             ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            Scouted scouted = scoutOnePeer(tracker, peer, torrent, peerId, true);
            PeerScout scout = scouted.scout();
            assertEquals(1, scouted.handshake()[27], "the DHT bit when DHT is on");
            InetSocketAddress peerAddress = new InetSocketAddress(LOOPBACK, peer.getLocalPort());
            try (SocketChannel channel = scout.claim(torrent, peerAddress)) {
                assertNotNull(channel);
                assertThrows(IOException.class, () -> scout.alreadySent(peerAddress, PeerScout.handshake(torrent, peerId, false)));
            }
            scout.close();
        }
    }

    @Test
    void announcesToAUdpTrackerWithAConnectionIdFirst() throws Exception {
        byte[] infoHash = bytes(20, 3);
        byte[] peerId = Engine.newPeerId().getBytes();
        try (DatagramSocket tracker = new DatagramSocket(0, LOOPBACK)) {
            tracker.setSoTimeout(10_000);
            CompletableFuture<ByteBuffer> announce = CompletableFuture.supplyAsync(() -> {
                try {
                    DatagramPacket connect = receive(tracker);
                    ByteBuffer c = ByteBuffer.wrap(connect.getData(), 0, connect.getLength());
                    assertEquals(16, connect.getLength());
                    assertEquals(0x41727101980L, c.getLong(0));
                    reply(tracker, connect, ByteBuffer.allocate(16).putInt(0).putInt(c.getInt(12)).putLong(77L).array());
                    DatagramPacket request = receive(tracker);
                    ByteBuffer a = ByteBuffer.wrap(Arrays.copyOf(request.getData(), request.getLength()));
                    reply(tracker, request, ByteBuffer.allocate(32).putInt(1).putInt(a.getInt(12)).putInt(1800)
                            .putInt(0).putInt(2).put(new byte[]{127, 0, 0, 2, 0x1a, (byte) 0xe1, 127, 0, 0, 3, 0, 80}).array());
                    return a;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            Announce.Reply reply = Announce.announce("udp://127.0.0.1:" + tracker.getLocalPort() + "/announce",
                    new Announce.Request(infoHash, peerId, 51413, Announce.Event.STARTED,
                            new Announce.Transfer(7, 6, 5), null, 200), 5000);

            assertEquals(new Announce.Reply(List.of(new InetSocketAddress("127.0.0.2", 6881),
                    new InetSocketAddress("127.0.0.3", 80)), 1800), reply);
            ByteBuffer a = announce.get(10, TimeUnit.SECONDS);
            assertEquals(98, a.capacity());
            assertEquals(77L, a.getLong(0), "the connection id from the connect reply");
            assertEquals(1, a.getInt(8), "action: announce");
            assertArrayEquals(infoHash, Arrays.copyOfRange(a.array(), 16, 36));
            assertArrayEquals(peerId, Arrays.copyOfRange(a.array(), 36, 56));
            assertEquals(6, a.getLong(56), "downloaded");
            assertEquals(5, a.getLong(64), "left");
            assertEquals(7, a.getLong(72), "uploaded");
            assertEquals(2, a.getInt(80), "event: started");
            assertEquals(51413, a.getShort(96) & 0xffff);
        }
    }

    @Test
    void readsEveryPeerListFormOfATrackerResponse() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("d8:intervali1800e5:peersld2:ip9:127.0.0.24:porti6881eee6:peers618:".getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x1a, (byte) 0xe2});
        body.write('e');
        assertEquals(new Announce.Reply(List.of(new InetSocketAddress("127.0.0.2", 6881),
                new InetSocketAddress("::1", 6882)), 1800), Announce.parse(body.toByteArray()));
        IOException failure = assertThrows(Announce.Refused.class,
                () -> Announce.parse("d14:failure reason4:nopee".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("tracker error: nope", failure.getMessage());
        IOException broken = assertThrows(IOException.class, () -> Announce.parse("d5:peers".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(broken instanceof Announce.Refused, "a broken answer is not the tracker's own refusal");
    }

    private static DatagramPacket receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return packet;
    }

    private static void reply(DatagramSocket socket, DatagramPacket to, byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, to.getSocketAddress()));
    }

    /** A one-shot HTTP tracker: returns the request line, answers with one compact peer on 127.0.0.1. */
    private record Scouted(PeerScout scout, byte[] handshake) {
    }

    /** A scout whose tracker names one peer, once that peer has the scout's handshake. */
    private static Scouted scoutOnePeer(ServerSocket tracker, ServerSocket peer, TorrentId torrent, PeerId peerId, boolean dht)
            throws Exception {
        CompletableFuture.runAsync(() -> answerOnce(tracker, peer.getLocalPort()));
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readHandshake(peer));
        PeerScout scout = PeerScout.start(new PeerScout.Target(torrent,
                List.of("http://127.0.0.1:" + tracker.getLocalPort() + "/announce"), 1), peerId, dht, 6881, LOOPBACK, new TrackerReplies());
        return new Scouted(scout, received.get(10, TimeUnit.SECONDS));
    }

    static String answerOnce(ServerSocket tracker, int peerPort) {
        try (Socket s = tracker.accept()) {
            String requestLine = requestLine(s);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes("d8:intervali60e5:peers6:".getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(new byte[]{127, 0, 0, 1, (byte) (peerPort >> 8), (byte) peerPort});
            body.write('e');
            s.getOutputStream().write(("HTTP/1.0 200 OK\r\nContent-Length: " + body.size() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body.toByteArray());
            return requestLine;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads an HTTP request's head from the socket and returns its first line. */
    static String requestLine(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        for (int c; !head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0; ) {
            head.append((char) c);
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    /** Accepts one connection and reads the 68 bytes of a handshake; the socket stays open. */
    @SuppressWarnings("resource")
    private static byte[] readHandshake(ServerSocket peer) {
        try {
            Socket s = peer.accept();
            s.setSoTimeout(10_000);
            byte[] handshake = new byte[68];
            new DataInputStream(s.getInputStream()).readFully(handshake);
            return handshake;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
