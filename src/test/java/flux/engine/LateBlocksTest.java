package flux.engine;

import bt.metainfo.TorrentId;
import bt.protocol.Piece;
import bt.torrent.data.BlockWrite;
import bt.torrent.messaging.Mapper;
import bt.torrent.messaging.MessageContext;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LateBlocksTest {
    private static final int BLOCK = 16 * 1024;
    private static final TorrentId TORRENT = TorrentId.fromBytes(filled());
    /** Piece 0: three whole blocks and a last one of 1000 bytes. */
    private final FakeBlocks piece = new FakeBlocks(3L * BLOCK + 1000, BLOCK);
    private final LateBlocks agent = new LateBlocks((torrent, index) -> torrent.equals(TORRENT) && index == 0 ? piece : null);

    @Test
    void aCancelledBlockThatComesAnywayIsTakenWhileItsPieceLacksIt() throws Exception {
        MessageContext peer = BtConnections.context(TORRENT, 6881);
        Set<Object> pending = peer.getConnectionState().getPendingRequests();

        agent.consume(new Piece(0, BLOCK, BLOCK), peer);
        assertTrue(pending.contains(key(0, BLOCK, BLOCK)), "bt takes it as asked for");

        agent.consume(new Piece(0, 3 * BLOCK, 1000), peer);
        assertTrue(pending.contains(key(0, 3 * BLOCK, 1000)), "the short last block too");
    }

    @Test
    void aBlockThePieceHasOrThatIsNoBlockOfItIsLeftForBtToDrop() throws Exception {
        MessageContext peer = BtConnections.context(TORRENT, 6882);
        Set<Object> pending = peer.getConnectionState().getPendingRequests();
        piece.present.set(2);

        agent.consume(new Piece(0, 2 * BLOCK, BLOCK), peer);
        agent.consume(new Piece(0, 100, BLOCK), peer);
        agent.consume(new Piece(0, 0, BLOCK / 2), peer);
        agent.consume(new Piece(0, 3 * BLOCK, BLOCK), peer);
        agent.consume(new Piece(1, 0, BLOCK), peer);
        assertTrue(pending.isEmpty(), "present, misaligned, short, past the end, unknown piece: " + pending);
    }

    @Test
    void aSecondCopyOfABlockBeingWrittenIsLeftForBtToDrop() throws Exception {
        MessageContext peer = BtConnections.context(TORRENT, 6883);
        CompletableFuture<BlockWrite> write = new CompletableFuture<>();
        peer.getConnectionState().getPendingWrites().put(key(0, 0, BLOCK), write);

        agent.consume(new Piece(0, 0, BLOCK), peer);
        assertFalse(peer.getConnectionState().getPendingRequests().contains(key(0, 0, BLOCK)));
    }

    private static Object key(int piece, int offset, int length) {
        return Mapper.mapper().buildKey(piece, offset, length);
    }

    private static byte[] filled() {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) 9);
        return b;
    }
}
