package flux.engine;

import bt.metainfo.TorrentId;
import bt.protocol.Cancel;
import bt.protocol.Request;
import bt.torrent.messaging.MessageContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestAfterCancelTest {
    @Test
    void aRequestForABlockCancelledBeforeIsAnsweredAgain() throws Exception {
        MessageContext peer = BtConnections.context(TorrentId.fromBytes(new byte[20]), 6881);
        Request block = new Request(416, 16384, 16384);
        // the Cancel came after the block had gone out: bt would skip its next answer for that key
        peer.getConnectionState().onCancel(new Cancel(416, 16384, 16384));
        peer.getConnectionState().onCancel(new Cancel(417, 0, 16384));
        assertTrue(peer.getConnectionState().getCancelledPeerRequests().contains(Blocks.key(block)));

        new RequestAfterCancel().consume(block, peer);

        assertFalse(peer.getConnectionState().getCancelledPeerRequests().contains(Blocks.key(block)),
                "asked again: the answer must go out");
        assertTrue(peer.getConnectionState().getCancelledPeerRequests().contains(Blocks.key(new Request(417, 0, 16384))),
                "another block's Cancel stands");
    }
}
