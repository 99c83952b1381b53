package flux.engine;

import bt.metainfo.TorrentId;
import bt.protocol.Bitfield;
import bt.protocol.Have;
import bt.protocol.Interested;
import bt.protocol.Message;
import bt.torrent.messaging.MessageContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptInterestTest {
    private static final TorrentId TORRENT = TorrentId.fromBytes(filled(1));
    private static final TorrentId NO_METADATA_YET = TorrentId.fromBytes(filled(2));

    /** 10 pieces; flux has 0-7 and lacks 8 and 9. */
    private final PromptInterest agent = new PromptInterest(id -> id.equals(TORRENT) ? lacks(8, 9) : null);

    @Test
    void aBitfieldWithAPieceFluxLacksMakesItSayInterestedAtOnce() throws Exception {
        MessageContext peer = BtConnections.context(TORRENT, 6881);
        agent.consume(new Bitfield(new byte[]{(byte) 0xff, (byte) 0x40}), peer); // pieces 0-7 and 9

        assertEquals(List.of(Interested.instance()), produce(peer));
        assertTrue(peer.getConnectionState().isInterested(), "bt must know it said so");
        assertEquals(List.of(), produce(peer), "said once");
    }

    @Test
    void aPeerWithNothingNewOrATorrentWithoutMetadataGetsNothing() throws Exception {
        MessageContext same = BtConnections.context(TORRENT, 6882);
        agent.consume(new Bitfield(new byte[]{(byte) 0xff, 0}), same); // only pieces flux has
        assertEquals(List.of(), produce(same));

        MessageContext early = BtConnections.context(NO_METADATA_YET, 6883);
        agent.consume(new Bitfield(new byte[]{(byte) 0xff, (byte) 0xc0}), early);
        agent.consume(new Have(9), early);
        assertEquals(List.of(), produce(early), "bt decides after the metadata");
    }

    @Test
    void aHaveOfAMissingPieceCountsButNotWhenAlreadyInterested() throws Exception {
        MessageContext peer = BtConnections.context(TORRENT, 6884);
        agent.consume(new Have(3), peer);
        assertEquals(List.of(), produce(peer));
        agent.consume(new Have(8), peer);
        assertEquals(List.of(Interested.instance()), produce(peer));

        MessageContext interested = BtConnections.context(TORRENT, 6885);
        interested.getConnectionState().setInterested(true);
        agent.consume(new Have(9), interested);
        assertEquals(List.of(), produce(interested));
    }

    private List<Message> produce(MessageContext context) {
        List<Message> sent = new ArrayList<>();
        agent.produce(sent::add, context);
        return sent;
    }

    private static IntPredicate lacks(int... pieces) {
        return piece -> Arrays.stream(pieces).anyMatch(p -> p == piece);
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
