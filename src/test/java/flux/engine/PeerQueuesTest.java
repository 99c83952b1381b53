package flux.engine;

import bt.bencoding.types.BEInteger;
import bt.metainfo.TorrentId;
import bt.protocol.extended.ExtendedHandshake;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.Mapper;
import bt.torrent.messaging.MessageContext;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PeerQueuesTest {
    private static final int BT_DEPTH = RequestDepth.FAR_REQUESTS;

    private static final int NEAR_REQUESTS = 8;

    private static final int BLOCK = 16384;

    private boolean btAssigns = true;
    private boolean nearAndPrompt;
    private long nanos;
    private final PeerQueues queues = new PeerQueues(() -> BT_DEPTH, state -> btAssigns, key -> nearAndPrompt,
            BLOCK, () -> nanos);

    @Test
    void btAsksAPeerThatKeeps250RequestsForOneFewerThanThat() throws Exception {
        MessageContext peer = peer();
        queues.consume(handshake(250), peer);
        sends(peer, 40 << 20);

        assertEquals(249, requestsBtSends(peer.getConnectionState()),
                "a libtorrent seeder keeping 250 dropped the rest, and bt waited 4 s for each of them");
        assertEquals(249, queues.limit(peer.getConnectionState()));
        assertEquals(BT_DEPTH + 2 - 250, queues.placeHoldersAt(peer.getConnectionState()));
    }

    @Test
    void thePlaceHoldersComeBackAfterBtResetsThePeerOnceItAssignsPiecesAgain() throws Exception {
        MessageContext peer = peer();
        queues.consume(handshake(250), peer);
        sends(peer, 40 << 20);
        Set<Object> pending = peer.getConnectionState().getPendingRequests();

        pending.clear(); // bt took the assignment away: it cancels and forgets everything pending
        btAssigns = false;
        queues.produce(m -> { }, peer);
        assertEquals(0, pending.size(), "without an assignment bt empties them again on every turn");

        btAssigns = true;
        queues.produce(m -> { }, peer);
        assertEquals(249, requestsBtSends(peer.getConnectionState()));
    }

    @Test
    void aPeerThatKeepsAsManyAsBtAsksOrDoesNotSayIsLeftAlone() throws Exception {
        MessageContext transmission = peer();
        queues.consume(handshake(512), transmission);
        sends(transmission, 40 << 20);
        assertEquals(BT_DEPTH + 1, requestsBtSends(transmission.getConnectionState()));
        assertEquals(PeerQueues.MOST_REQUESTS, queues.limit(transmission.getConnectionState()));

        MessageContext silent = peer();
        sends(silent, 40 << 20);
        assertEquals(BT_DEPTH + 1, requestsBtSends(silent.getConnectionState()));
        assertEquals(PeerQueues.MOST_REQUESTS, queues.limit(silent.getConnectionState()));
    }

    @Test
    void aNearPeerThatAnswersAtOnceIsAskedForTheNearDepthThoughBtSetTheTorrentUpDeep() throws Exception {
        nearAndPrompt = true;
        MessageContext aria2 = peer();
        queues.produce(m -> { }, aria2);

        assertEquals(NEAR_REQUESTS, requestsBtSends(aria2.getConnectionState()),
                "a .torrent is set up before any peer is connected: seeks waited behind 8 MiB asked of it");
        assertEquals(NEAR_REQUESTS, queues.limit(aria2.getConnectionState()));
    }

    @Test
    void aNearPeerIsAskedFor128KiBAtATimeAndForAWholeSoughtPieceAtOnce() throws Exception {
        nearAndPrompt = true;
        MessageContext aria2 = peer();
        sends(aria2, 40 << 20);
        queues.produce(m -> { }, aria2);
        assertEquals(8, requestsBtSends(aria2.getConnectionState()), "bt's requests: 128 KiB");
        assertEquals(64, queues.urgentLimit(aria2.getConnectionState()), "a sought piece: a whole 1 MiB piece at once");
    }

    @Test
    void aSlowNearPeerIsAskedForASoughtPieceNoFasterThanItSends() throws Exception {
        nearAndPrompt = true;
        MessageContext shaped = peer();
        sends(shaped, 0); // choked for two seconds: not its speed
        assertEquals(64, queues.urgentLimit(shaped.getConnectionState()), "nothing sent yet: a whole piece");

        sends(shaped, 2_000_000); // a seeder shaped to 2 MB/s
        assertEquals((int) Math.ceil(2_000_000 * 0.1 / BLOCK), queues.urgentLimit(shaped.getConnectionState()),
                "100 ms of its rate: a whole piece asked of each of two such seeders kept the next seek 0.5 s behind it");

        sends(shaped, 0); // idle: what it sent at its fastest still counts
        assertEquals(13, queues.urgentLimit(shaped.getConnectionState()));
        sends(shaped, 100 << 20);
        assertEquals(64, queues.urgentLimit(shaped.getConnectionState()), "at loopback speed, the whole piece again");
    }

    @Test
    void aNearPeerThatKeepsFewerRequestsThanTheNearDepthIsAskedForWhatItKeeps() throws Exception {
        nearAndPrompt = true;
        MessageContext peer = peer();
        queues.consume(handshake(6), peer);
        queues.produce(m -> { }, peer);

        assertEquals(5, requestsBtSends(peer.getConnectionState()));
        assertEquals(5, queues.urgentLimit(peer.getConnectionState()), "a sought piece too: the rest would be dropped");
    }

    @Test
    void aDistantPeerIsAskedForNoMoreForASoughtPieceThanForOthers() throws Exception {
        MessageContext far = peer();
        queues.consume(handshake(250), far);
        sends(far, 100 << 10); // 150 KiB in 1.5 s: its queue is held at the least, 32 blocks

        assertEquals(queues.limit(far.getConnectionState()), queues.urgentLimit(far.getConnectionState()));
        assertEquals(PeerQueues.LEAST_REQUESTS, queues.urgentLimit(far.getConnectionState()));
    }

    @Test
    void aPeerIsAskedForWhatItSentLatelyInASecondAndAHalf() throws Exception {
        MessageContext peer = peer();
        queues.consume(handshake(512), peer);
        queues.produce(m -> { }, peer);
        assertEquals(PeerQueues.LEAST_REQUESTS, requestsBtSends(peer.getConnectionState()), "before its rate is known");

        sends(peer, 600 << 10); // a Transmission seeder limited to 600 KiB/s
        int blocks = (int) Math.ceil((600 << 10) * 1.5 / BLOCK);
        assertEquals(blocks, queues.limit(peer.getConnectionState()));
        assertEquals(blocks, requestsBtSends(peer.getConnectionState()),
                "511 blocks kept a seek waiting 13 s behind what this peer had read into its send buffer");

        sends(peer, 4 << 20);
        assertEquals((int) Math.ceil((4 << 20) * 1.5 / BLOCK), requestsBtSends(peer.getConnectionState()),
                "bt asks for more as the peer sends faster");

        sends(peer, 0); // it choked flux, say
        assertEquals(PeerQueues.LEAST_REQUESTS, queues.limit(peer.getConnectionState()));
    }

    /** What bt's request producer does: it sends while at most its depth is pending. */
    private static int requestsBtSends(ConnectionState state) {
        int sent = 0;
        while (state.getPendingRequests().size() <= BT_DEPTH) {
            state.getPendingRequests().add(Mapper.mapper().buildKey(1, sent * 16384, 16384));
            sent++;
        }
        return sent;
    }

    /** The peer sends at this rate for two seconds (longer than the rate looks back), bt's loop turning every 10 ms. */
    private void sends(MessageContext peer, long bytesPerSecond) {
        for (int turn = 0; turn < 200; turn++) {
            nanos += 10_000_000L;
            peer.getConnectionState().incrementDownloaded(bytesPerSecond / 100);
            queues.produce(m -> { }, peer);
        }
    }

    private static ExtendedHandshake handshake(int reqq) {
        return ExtendedHandshake.builder().property("reqq", new BEInteger(reqq)).build();
    }

    private static MessageContext peer() throws Exception {
        return BtConnections.context(TorrentId.fromBytes(new byte[20]), 6881);
    }
}
