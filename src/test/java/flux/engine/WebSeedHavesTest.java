package flux.engine;

import bt.metainfo.TorrentId;
import bt.protocol.Have;
import bt.protocol.Message;
import bt.torrent.messaging.MessageContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebSeedHavesTest {
    private static final TorrentId TORRENT = TorrentId.fromBytes(new byte[20]);
    private static final TorrentId OTHER = TorrentId.fromBytes(new byte[]{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    @Test
    void everyConnectionIsToldOfEachPieceDeliveredAfterItsFirstTurnOnce() throws Exception {
        WebSeedHaves haves = new WebSeedHaves();
        MessageContext first = BtConnections.context(TORRENT, 6881);
        MessageContext second = BtConnections.context(TORRENT, 6882);
        MessageContext elsewhere = BtConnections.context(OTHER, 6883);
        haves.delivered(TORRENT, 3);
        assertEquals(List.of(), sent(haves, first), "piece 3 was in the bitfield the connection got");
        haves.delivered(TORRENT, 4);
        haves.delivered(TORRENT, 9);
        assertEquals(List.of(4, 9), sent(haves, first));
        assertEquals(List.of(), sent(haves, first));
        assertEquals(List.of(), sent(haves, second), "a connection's first turn: its bitfield said it all");
        haves.delivered(TORRENT, 5);
        assertEquals(List.of(5), sent(haves, second));
        assertEquals(List.of(5), sent(haves, first));
        assertEquals(List.of(), sent(haves, elsewhere), "another torrent's connection");
    }

    @Test
    void aConnectionThatClosedStartsAfreshIfItsKeyComesBack() throws Exception {
        WebSeedHaves haves = new WebSeedHaves();
        MessageContext peer = BtConnections.context(TORRENT, 6884);
        sent(haves, peer);
        haves.delivered(TORRENT, 1);
        haves.disconnected(peer.getConnectionKey());
        assertEquals(List.of(), sent(haves, peer), "a new connection under the key got a new bitfield");
    }

    private static List<Integer> sent(WebSeedHaves haves, MessageContext context) {
        List<Message> messages = new ArrayList<>();
        haves.produce(messages::add, context);
        return messages.stream().map(m -> ((Have) m).getPieceIndex()).toList();
    }
}
