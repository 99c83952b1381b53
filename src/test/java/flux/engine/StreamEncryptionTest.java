package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.protocol.crypto.MSECipher;
import bt.runtime.Config;
import bt.torrent.TorrentRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class StreamEncryptionTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A plaintext BitTorrent handshake: protocol name, reserved bits, info-hash, peer id. */
    private static byte[] plaintextHandshake() {
        ByteBuffer b = ByteBuffer.allocate(68).put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        b.put(new byte[8]);
        byte[] torrent = new byte[20];
        Arrays.fill(torrent, (byte) 3);
        return b.put(torrent).put(Engine.newPeerId().getBytes()).array();
    }

    @Test
    void aPlaintextHandshakeIsLeftForBtOrRefusedWhenEncryptionIsRequired() throws Exception {
        byte[] handshake = plaintextHandshake();
        for (boolean required : new boolean[]{false, true}) {
            StreamEncryption encryption = new StreamEncryption(null, null, new Config(), required);
            try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                 SocketChannel peer = SocketChannel.open(server.getLocalAddress());
                 SocketChannel flux = server.accept()) {
                peer.write(ByteBuffer.wrap(handshake));
                flux.configureBlocking(false);
                ByteBuffer in = ByteBuffer.allocate(1 << 16);
                InetPeer from = InetPeer.build(LOOPBACK, peer.socket().getLocalPort());
                if (required) {
                    assertThrows(IOException.class, () -> encryption.negotiateIncoming(from, flux, in, ByteBuffer.allocate(1 << 16)));
                } else {
                    assertFalse(encryption.negotiateIncoming(from, flux, in, ByteBuffer.allocate(1 << 16)).isPresent());
                    assertEquals(handshake.length, in.position(), "the handshake stays in the buffer for bt's pipeline");
                    assertArrayEquals(handshake, Arrays.copyOf(in.array(), handshake.length));
                }
            }
        }
    }

    @Test
    void aPeerOfferingPlaintextAndRc4GetsPlaintextUnlessEncryptionIsRequired() throws Exception {
        byte[] handshake = plaintextHandshake();
        TorrentId torrent = TorrentId.fromBytes(Arrays.copyOfRange(handshake, 28, 48));
        TorrentRegistry registry = registryOf(torrent);
        // an initial payload: libtorrent sends its BitTorrent handshake there, aria2c nothing
        for (byte[] initial : List.of(handshake, new byte[0])) {
            for (boolean required : new boolean[]{false, true}) {
                StreamEncryption encryption = new StreamEncryption(registry, null, new Config(), required);
                try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                     SocketChannel peer = SocketChannel.open(server.getLocalAddress());
                     SocketChannel flux = server.accept()) {
                    flux.configureBlocking(false);
                    ByteBuffer in = ByteBuffer.allocate(1 << 16);
                    InetPeer from = InetPeer.build(LOOPBACK, peer.socket().getLocalPort());
                    CompletableFuture<Optional<MSECipher>> negotiated = negotiateIncoming(encryption, from, flux, in);

                    // the initiator, offering both methods
                    byte[] s = exchangeKeys(peer, 9);
                    MSECipher cipher = MSECipher.forInitiator(s, torrent);
                    offerBoth(peer, s, torrent, cipher, initial.length, initial);
                    Optional<MSECipher> chosen = negotiated.get(10, TimeUnit.SECONDS);

                    // flux's answer after its padding: VC, crypto_select, len(PadD) = 0, all encrypted
                    byte[] answer = readAll(peer, 512 + 14);
                    byte[] vc = MSECipher.forInitiator(s, torrent).getDecryptionCipher().update(new byte[8]);
                    int at = indexOf(answer, vc);
                    assertTrue(at >= 0 && at + 14 <= answer.length, "flux's answer carries the verification constant");
                    byte[] head = cipher.getDecryptionCipher().update(Arrays.copyOfRange(answer, at, at + 14));
                    assertEquals(required ? 0x02 : 0x01, ByteBuffer.wrap(head, 8, 4).getInt(), "crypto_select");
                    assertEquals(required, chosen.isPresent(), "RC4 on the payload only when encryption is required");
                    byte[] payload = Arrays.copyOf(in.array(), in.position());
                    // what bt's pipeline reads first: the initial payload, decrypted unless RC4 goes on
                    assertArrayEquals(initial, required && payload.length > 0 ? chosen.get().getDecryptionCipher().update(payload) : payload);
                }
            }
        }
    }

    @Test
    void theAnswerLeavesBeforeTheInitialPayloadComes() throws Exception {
        // libtorrent writes its initial payload (its BitTorrent handshake) after the rest of its
        // step, and Nagle holds it until that step is acknowledged: flux must answer first
        byte[] handshake = plaintextHandshake();
        TorrentId torrent = TorrentId.fromBytes(Arrays.copyOfRange(handshake, 28, 48));
        StreamEncryption encryption = new StreamEncryption(registryOf(torrent), null, new Config(), false);
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
             SocketChannel peer = SocketChannel.open(server.getLocalAddress());
             SocketChannel flux = server.accept()) {
            flux.configureBlocking(false);
            ByteBuffer in = ByteBuffer.allocate(1 << 16);
            CompletableFuture<Optional<MSECipher>> negotiated = negotiateIncoming(encryption,
                    InetPeer.build(LOOPBACK, peer.socket().getLocalPort()), flux, in);

            byte[] s = exchangeKeys(peer, 11);
            MSECipher cipher = MSECipher.forInitiator(s, torrent);
            offerBoth(peer, s, torrent, cipher, handshake.length, new byte[0]); // the payload itself held back

            byte[] vc = MSECipher.forInitiator(s, torrent).getDecryptionCipher().update(new byte[8]);
            assertTrue(indexOf(readAll(peer, 512 + 14), vc) >= 0, "flux answered while the initial payload was still to come");
            peer.write(ByteBuffer.wrap(cipher.getEncryptionCipher().update(handshake)));
            assertFalse(negotiated.get(10, TimeUnit.SECONDS).isPresent(), "plaintext selected");
            assertArrayEquals(handshake, Arrays.copyOf(in.array(), in.position()), "the payload, decrypted, for bt's pipeline");
        }
    }

    /** The initiator's Diffie-Hellman step, its key out and flux's in: the shared secret S. */
    private static byte[] exchangeKeys(SocketChannel peer, long seed) throws IOException {
        BigInteger secret = new BigInteger(160, new Random(seed));
        peer.write(ByteBuffer.wrap(StreamEncryption.unsigned(StreamEncryption.G.modPow(secret, StreamEncryption.P))));
        ByteBuffer theirKey = ByteBuffer.allocate(96);
        while (theirKey.hasRemaining()) {
            assertTrue(peer.read(theirKey) >= 0);
        }
        return StreamEncryption.unsigned(new BigInteger(1, theirKey.array()).modPow(secret, StreamEncryption.P));
    }

    /**
     * The initiator's third step, offering plaintext and RC4 and announcing an initial payload of
     * {@code payloadLength} bytes, followed by {@code payload}, encrypted (empty to hold it back).
     */
    private static void offerBoth(SocketChannel peer, byte[] s, TorrentId torrent, MSECipher cipher, int payloadLength,
                                  byte[] payload) throws IOException {
        ByteBuffer provide = ByteBuffer.allocate(8 + 4 + 2 + 2).put(new byte[8]).putInt(0x03).putShort((short) 0)
                .putShort((short) payloadLength);
        byte[] head = cipher.getEncryptionCipher().update(provide.array()); // before the payload: one RC4 stream
        peer.write(ByteBuffer.wrap(StreamEncryption.concat(StreamEncryption.sha1("req1", s),
                StreamEncryption.xor(StreamEncryption.sha1("req2", torrent.getBytes()), StreamEncryption.sha1("req3", s)),
                head, encrypted(cipher, payload))));
    }

    private static TorrentRegistry registryOf(TorrentId torrent) {
        return (TorrentRegistry) Proxy.newProxyInstance(StreamEncryptionTest.class.getClassLoader(),
                new Class<?>[]{TorrentRegistry.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getTorrentIds")) {
                        return List.of(torrent);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** flux's side of the handshake, on another thread. */
    private static CompletableFuture<Optional<MSECipher>> negotiateIncoming(StreamEncryption encryption, InetPeer from,
                                                                         SocketChannel flux, ByteBuffer in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return encryption.negotiateIncoming(from, flux, in, ByteBuffer.allocate(1 << 16));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** RC4 of the bytes (the JDK's Cipher gives null for none). */
    private static byte[] encrypted(MSECipher cipher, byte[] bytes) {
        return bytes.length == 0 ? bytes : cipher.getEncryptionCipher().update(bytes);
    }

    /** What the peer has been sent, up to {@code limit} bytes, until nothing more comes for 200 ms. */
    private static byte[] readAll(SocketChannel peer, int limit) throws IOException, InterruptedException {
        peer.configureBlocking(false);
        ByteBuffer all = ByteBuffer.allocate(limit);
        for (long quietSince = System.nanoTime(); all.hasRemaining() && System.nanoTime() - quietSince < 200_000_000L; ) {
            if (peer.read(all) > 0) {
                quietSince = System.nanoTime();
            } else {
                Thread.sleep(5);
            }
        }
        return Arrays.copyOf(all.array(), all.position());
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        for (int at = 0; at + pattern.length <= data.length; at++) {
            if (Arrays.equals(data, at, at + pattern.length, pattern, 0, pattern.length)) {
                return at;
            }
        }
        return -1;
    }
}
