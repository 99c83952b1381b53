package flux.engine;

import bt.net.InetPeer;
import bt.runtime.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
