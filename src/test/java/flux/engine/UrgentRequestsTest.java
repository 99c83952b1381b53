package flux.engine;

import bt.bencoding.types.BEInteger;
import bt.data.BlockSet;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Bitfield;
import bt.protocol.Cancel;
import bt.protocol.Message;
import bt.protocol.Piece;
import bt.protocol.Request;
import bt.protocol.extended.ExtendedHandshake;
import bt.torrent.data.BlockWrite;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.Mapper;
import bt.torrent.messaging.MessageContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrgentRequestsTest {
    private static final TorrentId TORRENT = TorrentId.fromBytes(filled(7));
    /** 8 pieces of 4 blocks of 16 KiB. */
    private static final int BLOCKS = 4;
    private static final int BLOCK = 16 * 1024;

    private final FakeWaiting waiting = new FakeWaiting();
    private final Map<ConnectionKey, List<String>> written = new LinkedHashMap<>();
    private long nanos;
    /** Whether bt has pieces assigned to the peers. */
    private boolean btAssigns = true;
    private final PeerQueues queues = new PeerQueues(() -> RequestDepth.FAR_REQUESTS, state -> true, key -> false, BLOCK,
            () -> nanos);
    /** Peers that send only at their bandwidth pulse (Transmission). */
    private final Set<ConnectionKey> pulsing = new java.util.HashSet<>();
    private final UrgentRequests agent = new UrgentRequests(() -> nanos, state -> btAssigns, queues, key -> !pulsing.contains(key));

    UrgentRequestsTest() {
        agent.wire((peer, messages) -> {
            messages.forEach(m -> written.computeIfAbsent(peer, p -> new ArrayList<>()).add(describe(m)));
            return true;
        });
        agent.track(TORRENT, waiting);
    }

    @Test
    void aSeekAsksForTheWholePieceAheadOfWhatThePeerWasAskedBefore() throws Exception {
        MessageContext peer = peer(6881, 0xff, 0);
        askedByBt(peer, 2); // bt's pieces in flight at this peer
        waiting.seekTo(5);

        agent.produce(m -> { }, peer);

        assertEquals(List.of("cancel 2/0", "cancel 2/1", "cancel 2/2", "cancel 2/3",
                        "request 5/0", "request 5/1", "request 5/2", "request 5/3"),
                cancelsFirst(written.get(peer.getConnectionKey())), "the older blocks are held back");
        assertTrue(peer.getConnectionState().getPendingRequests().contains(key(2, 0)),
                "bt still counts them, so it asks this peer for nothing new meanwhile");
        assertTrue(waiting.fetchedUrgently().contains(5), "bt is kept off the piece");
        assertTrue(peer.getConnectionState().getPendingRequests().contains(key(5, 3)), "bt accepts the blocks when they come");

        written.clear();
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "asked once, not on every turn");

        waiting.blocks.get(5).present.set(0); // one block came
        peer.getConnectionState().getPendingRequests().remove(key(5, 0));
        waiting.blocks.get(2).present.set(1); // and one older block that was under way already
        peer.getConnectionState().getPendingRequests().remove(key(2, 1));
        waiting.pieces = new int[0]; // the reader went elsewhere
        agent.produce(m -> { }, peer);
        assertFalse(waiting.fetchedUrgently().contains(5), "bt takes the piece back");
        assertEquals(List.of("cancel 5/1", "cancel 5/2", "cancel 5/3", "request 2/0", "request 2/2", "request 2/3"),
                written.get(peer.getConnectionKey()), "what did not come is cancelled, the held-back blocks asked again");
        assertFalse(peer.getConnectionState().getPendingRequests().contains(key(5, 1)), "and bt may ask for it again");
    }

    @Test
    void anyThreadCanAskWhetherAReaderWaitsOnAPiece() {
        assertFalse(agent.waitedOn(TORRENT, 5));
        waiting.seekTo(5);
        assertTrue(agent.waitedOn(TORRENT, 5));
        assertFalse(agent.waitedOn(TORRENT, 4), "another piece");
        assertFalse(agent.waitedOn(TorrentId.fromBytes(filled(8)), 5), "another torrent's piece 5");
        agent.forget(TORRENT);
        assertFalse(agent.waitedOn(TORRENT, 5), "a torrent no longer streamed");
    }

    @Test
    void aBlockThePeerDroppedIsAskedForAgainOnceThePeerSentAllItHadBeenAskedFor() throws Exception {
        MessageContext peer = peer(6931, 0xff, 0);
        askedByBt(peer, 5); // bt's requests for the piece: the peer dropped them, its queue was full
        waiting.seekTo(5);
        agent.produce(m -> { }, peer);
        assertTrue(waiting.fetchedUrgently().contains(5));
        int inFlight = peer.getConnectionState().getPendingRequests().size(); // when the piece was asked for
        blockArrives(peer, 5, 0);
        written.clear();

        peer.getConnectionState().incrementDownloaded((long) (inFlight + 31) * BLOCK); // its block 0 and others asked for before
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "not before it sent all it held and some slack: " + written);

        peer.getConnectionState().incrementDownloaded(BLOCK);
        agent.produce(m -> { }, peer);
        assertEquals(List.of("cancel 5/1", "request 5/1", "cancel 5/2", "request 5/2", "cancel 5/3", "request 5/3"),
                written.get(peer.getConnectionKey()), "a peer sends in order: the missing blocks were dropped");
        assertTrue(peer.getConnectionState().getPendingRequests().contains(key(5, 1)), "bt takes the block when it comes");

        written.clear();
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "asked again once, then due again only after another queue's worth: " + written);
    }

    @Test
    void aBlockHeldBackForOneFetchIsNotCancelledAgainForTheNextNorAskedForTwice() throws Exception {
        MessageContext peer = peer(6933, 0xff, 0);
        askedByBt(peer, 2); // a place the reader left
        askedByBt(peer, 6); // the piece after the reader's, arriving
        waiting.blocks.get(6).present.set(0);
        waiting.seekTo(5);
        waiting.pieces = new int[]{5, 6};
        waiting.sought.set(6);
        agent.produce(m -> { }, peer);
        assertEquals(List.of("cancel 2/0", "cancel 2/1", "cancel 2/2", "cancel 2/3",
                "request 5/0", "request 5/1", "request 5/2", "request 5/3"), cancelsFirst(written.get(peer.getConnectionKey())));
        written.clear();
        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);
        agent.produce(m -> { }, peer); // piece 6 came too slowly: fetched here too
        assertTrue(waiting.fetchedUrgently().contains(6));
        List<String> second = written.getOrDefault(peer.getConnectionKey(), List.of());
        assertTrue(second.stream().noneMatch(m -> m.startsWith("cancel 2/")), "held back already: " + second);

        written.clear();
        for (int b = 0; b < BLOCKS; b++) {
            blockArrives(peer, 5, b);
        }
        waiting.pieces = new int[]{6}; // piece 5 verified: its fetch ends
        agent.produce(m -> { }, peer);
        for (int b = 1; b < BLOCKS; b++) {
            blockArrives(peer, 6, b);
        }
        waiting.pieces = new int[0];
        agent.produce(m -> { }, peer);
        assertEquals(4, written.get(peer.getConnectionKey()).stream().filter(m -> m.startsWith("request 2/")).count(),
                "piece 2's blocks asked again once each: " + written);
    }

    @Test
    void aReaderWaitingOnAPieceItSoughtIsSeeking() {
        assertFalse(agent.seeking(), "no reader waits");
        waiting.seekTo(6);
        assertTrue(agent.seeking());
        waiting.pieces = new int[0]; // verified, or the reader reads on
        assertFalse(agent.seeking());
    }

    @Test
    void aPeerStillSendingKeepsThePieceUntilItStopsOrTenSecondsPass() throws Exception {
        MessageContext peer = fetchingPieceFive(6893);

        for (int second = 1; second <= 9; second++) { // older blocks keep coming, as from a send buffer
            nanos += java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
            peer.getConnectionState().incrementDownloaded(16384);
            agent.produce(m -> { }, peer);
            assertTrue(waiting.fetchedUrgently().contains(5), "given back after " + second + " s of progress");
        }
        nanos += java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        peer.getConnectionState().incrementDownloaded(16384);
        agent.produce(m -> { }, peer);
        assertFalse(waiting.fetchedUrgently().contains(5), "ten seconds are the most");
    }

    @Test
    void whatAPeerSentBeforeItJoinedTheFetchIsNoProgress() throws Exception {
        MessageContext first = fetchingPieceFive(6901);
        MessageContext later = peer(6902, 0xff, 0);
        later.getConnectionState().setPeerChoking(true);
        later.getConnectionState().incrementDownloaded(5000); // other pieces, before the seek

        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1900);
        later.getConnectionState().setPeerChoking(false);
        agent.produce(m -> { }, later);
        assertTrue(written.containsKey(later.getConnectionKey()), "it joined as a source");

        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);
        agent.produce(m -> { }, first);
        assertFalse(waiting.fetchedUrgently().contains(5), "nothing came in 2 s: given back to bt");
    }

    @Test
    void aPieceThatTakesTooLongGoesBackToBtForGood() throws Exception {
        MessageContext peer = fetchingPieceFive(6889);

        written.clear();
        nanos += java.util.concurrent.TimeUnit.SECONDS.toNanos(3); // the peer choked, say, and sent nothing
        agent.produce(m -> { }, peer);
        assertFalse(waiting.fetchedUrgently().contains(5), "bt fetches it now");
        assertEquals(List.of("cancel 5/0", "cancel 5/1", "cancel 5/2", "cancel 5/3"), written.get(peer.getConnectionKey()));
        assertTrue(peer.getConnectionState().getPendingRequests().isEmpty(), "bt's request state is as before");

        written.clear();
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "not taken again while the same reader waits on it");
        assertFalse(waiting.fetchedUrgently().contains(5));
    }

    @Test
    void theFourPeersThatSentMostAreAskedIfTheyHaveThePieceAndDoNotChoke() throws Exception {
        MessageContext second = peer(6882, 0xff, 4000);
        MessageContext best = peer(6883, 0xff, 5000);
        MessageContext fifth = peer(6884, 0xff, 1000);
        MessageContext third = peer(6892, 0xff, 3000);
        MessageContext fourth = peer(6893, 0xff, 2000);
        MessageContext choking = peer(6885, 0xff, 9000);
        choking.getConnectionState().setPeerChoking(true);
        MessageContext lacking = peer(6886, 0xfb, 8000); // all but piece 5
        waiting.seekTo(5);

        agent.produce(m -> { }, fifth); // any peer's turn serves all of them

        assertEquals(Set.of(best.getConnectionKey(), second.getConnectionKey(), third.getConnectionKey(),
                fourth.getConnectionKey()), Set.copyOf(written.keySet()));
        assertEquals(List.of("request 5/0"), cancelsFirst(written.get(best.getConnectionKey())), "each its own share of the blocks");
        assertEquals(List.of("request 5/1"), cancelsFirst(written.get(second.getConnectionKey())));
        assertEquals(List.of("request 5/2"), cancelsFirst(written.get(third.getConnectionKey())));
        assertEquals(List.of("request 5/3"), cancelsFirst(written.get(fourth.getConnectionKey())));

        written.clear();
        blockArrives(best, 5, 0);
        assertTrue(written.isEmpty(), "its share in, the others have one block each left, which they send next");
        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);
        agent.produce(m -> { }, fifth);
        assertEquals(Map.of(best.getConnectionKey(), List.of("request 5/3", "request 5/2", "request 5/1")), written,
                "nothing more came for 200 ms: it is asked for the others' blocks that have not come, from the end backwards");
    }

    @Test
    void eachSourcesShareFollowsWhatItSentSinceItsFirstBlock() throws Exception {
        MessageContext fast = peer(6920, 0xff, 0);
        MessageContext slow = peer(6921, 0xff, 0);
        MessageContext other = peer(6922, 0xff, 0);
        for (MessageContext p : List.of(fast, slow, other)) {
            agent.consume(new Piece(7, 0, BLOCK), p); // a block of a piece no reader waits on
        }
        nanos += java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        fast.getConnectionState().incrementDownloaded(2_000_000);
        slow.getConnectionState().incrementDownloaded(1_000_000);
        other.getConnectionState().incrementDownloaded(1_000_000);
        waiting.seekTo(5);
        agent.produce(m -> { }, fast);
        assertEquals(List.of("request 5/0", "request 5/1"), written.get(fast.getConnectionKey()), "twice the others' rate, half the blocks");
        assertEquals(1, written.get(slow.getConnectionKey()).size());
        assertEquals(1, written.get(other.getConnectionKey()).size());
    }

    @Test
    void aSourceWhoseShareIsInTakesOverTheBlocksOfOneFourTimesSlowerAtOnce() throws Exception {
        assertEquals(List.of("request 5/3"), takenOverAtOnce(6924, 2_000_000, 500_000), "a quarter of its rate");
    }

    @Test
    void aSourceLessThanFourTimesSlowerKeepsItsBlocksUntilNothingCameFor200Ms() throws Exception {
        assertEquals(List.of(), takenOverAtOnce(6926, 2_000_000, 600_000));
    }

    /** Two sources of piece 5 at these rates (bytes in the last second); what the fast one is asked for once its own share is in. */
    private List<String> takenOverAtOnce(int port, long fastRate, long slowRate) throws Exception {
        MessageContext fast = peer(port, 0xff, 0);
        MessageContext slow = peer(port + 1, 0xff, 0);
        for (MessageContext p : List.of(fast, slow)) {
            agent.consume(new Piece(7, 0, BLOCK), p); // a block of a piece no reader waits on
        }
        nanos += java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        fast.getConnectionState().incrementDownloaded(fastRate);
        slow.getConnectionState().incrementDownloaded(slowRate);
        waiting.seekTo(5);
        agent.produce(m -> { }, fast);
        assertEquals(List.of("request 5/0", "request 5/1", "request 5/2"), written.get(fast.getConnectionKey()));
        assertEquals(List.of("request 5/3"), written.get(slow.getConnectionKey()));
        written.clear();
        for (int b = 0; b < 3; b++) {
            blockArrives(fast, 5, b);
        }
        return written.getOrDefault(fast.getConnectionKey(), List.of());
    }

    @Test
    void sharesAreInProportionToTheSourcesRatesAndEqualWhileNoneIsKnown() {
        double unknown = Double.NaN;
        assertArrayEquals(new int[]{0, 31, 62, 64}, UrgentFetch.shareBounds(new double[]{2e6, 2e6, 0.125e6}, 64),
                "a peer at 0.125 MB/s beside two at 2 MB/s: two blocks of a 1 MiB piece, the time the others take for 31");
        assertArrayEquals(new int[]{0, 1, 2, 4}, UrgentFetch.shareBounds(new double[]{unknown, unknown, unknown}, 4),
                "no rate known yet: equal shares");
        assertArrayEquals(new int[]{0, 3, 6, 8}, UrgentFetch.shareBounds(new double[]{2e6, unknown, 1e6}, 8),
                "one not known yet counts as the average of the others");
        assertArrayEquals(new int[]{0, 2, 4}, UrgentFetch.shareBounds(new double[]{0, 0}, 4), "none sent anything: equal");
    }

    @Test
    void aBlockThatCameFromOneSourceIsCancelledAtTheOther() throws Exception {
        MessageContext[] sources = twoSourcesFetchingPieceFive(6890);
        MessageContext first = sources[0];
        MessageContext second = sources[1];
        blockArrives(first, 5, 0);
        assertTrue(written.isEmpty(), "a block of its own share: nobody else was asked for it");
        blockArrives(first, 5, 1);
        assertEquals(Map.of(first.getConnectionKey(), List.of("request 5/3")), written,
                "its share in, the first source takes over the last half of the second's, which the second sends last");

        written.clear();
        blockArrives(second, 5, 3);
        assertEquals(Map.of(first.getConnectionKey(), List.of("cancel 5/3")), written,
                "the first source is told not to send it; the sender is told nothing");
        assertFalse(first.getConnectionState().getPendingRequests().contains(key(5, 3)),
                "a copy still under way is dropped by bt as unexpected");

        written.clear();
        blockArrives(first, 5, 3); // the copy that was under way already
        assertTrue(written.isEmpty(), "nothing is cancelled twice, and block 2, all the second has left, is not taken over");

        MessageContext other = peer(6894, 0xff, 0);
        agent.consume(new Piece(5, 3 * BLOCK, BLOCK), other); // a late copy of a request bt cancelled: bt drops it
        assertTrue(written.isEmpty(), "a block from a peer not asked for it cancels nothing");

        written.clear();
        waiting.pieces = new int[0]; // the reader went elsewhere before block 2 came
        agent.produce(m -> { }, first);
        assertEquals(Map.of(second.getConnectionKey(), List.of("cancel 5/2")), written,
                "only what was asked and did not come is withdrawn");
    }

    @Test
    void aNewlySoughtPieceGoesAheadOfTheOtherSourcesSharesOfTheLastOne() throws Exception {
        MessageContext[] sources = twoSourcesFetchingPieceFive(6907);
        MessageContext first = sources[0];
        MessageContext second = sources[1];
        blockArrives(first, 5, 0);
        blockArrives(first, 5, 1); // the first's share is in: it is asked for the last of the second's too
        written.clear();

        waiting.pieces = new int[]{5, 6}; // the player seeks on while piece 5 still comes (mpv: the file's end)
        waiting.sought.set(6);
        agent.produce(m -> { }, first);
        assertEquals(List.of("cancel 5/3", "request 6/0", "request 6/1", "request 5/3"),
                cancelsFirst(written.get(first.getConnectionKey())),
                "piece 5's blocks it was asked for as the second's helper go behind its share of piece 6");
        assertEquals(List.of("request 6/2", "request 6/3"), cancelsFirst(written.get(second.getConnectionKey())),
                "its own share of piece 5 stays ahead, its share of piece 6 follows");
        assertTrue(first.getConnectionState().getPendingRequests().contains(key(5, 3)), "still asked, for bt to take it");

        written.clear();
        blockArrives(second, 5, 3);
        assertEquals(Map.of(first.getConnectionKey(), List.of("cancel 5/3")), written,
                "cancelled at the helper as before, now while it waits behind piece 6");
    }

    @Test
    void aPeerThatUnchokesWhileThePieceComesJoinsAsASource() throws Exception {
        MessageContext first = peer(6895, 0xff, 0);
        MessageContext later = peer(6896, 0xff, 0);
        later.getConnectionState().setPeerChoking(true); // still answering its handshake, say
        waiting.seekTo(5);
        agent.produce(m -> { }, first);
        assertEquals(Set.of(first.getConnectionKey()), written.keySet());

        written.clear();
        blockArrives(first, 5, 0);
        later.getConnectionState().setPeerChoking(false);
        askedByBt(later, 2);
        agent.produce(m -> { }, later);
        assertTrue(written.isEmpty(), "not looked for on every turn");

        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);
        agent.produce(m -> { }, later);
        assertEquals(Map.of(later.getConnectionKey(), List.of("cancel 2/0", "cancel 2/1", "cancel 2/2", "cancel 2/3",
                        "request 5/3")), written,
                "the three missing blocks were asked of the first: it takes over the last of them, its older requests held back");

        written.clear();
        blockArrives(later, 5, 3);
        assertEquals(Map.of(first.getConnectionKey(), List.of("cancel 5/3"), later.getConnectionKey(),
                List.of("request 5/2")), written, "then half of what the first has left, from the end");
    }

    @Test
    void aSoughtPieceArrivingSlowlyIsFetchedHereTooAfter20Ms() throws Exception {
        MessageContext slow = peer(6897, 0xff, 0);
        MessageContext fast = peer(6898, 0xff, 5000);
        askedByBt(slow, 5); // bt gave the piece to the first peer that unchoked
        waiting.blocks.get(5).present.set(0); // and a block of it came
        waiting.seekTo(5);

        agent.produce(m -> { }, slow);
        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(19);
        agent.produce(m -> { }, slow);
        assertTrue(written.isEmpty(), "arriving: left to bt while its rate is not known");
        assertFalse(waiting.fetchedUrgently().contains(5));

        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);
        agent.produce(m -> { }, slow); // nothing more came in 20 ms
        assertEquals(Map.of(fast.getConnectionKey(), List.of("request 5/3", "request 5/2", "request 5/1")), written,
                "the other peer takes over what the slow one was asked for, from the end; bt's requests to it stand");
        assertTrue(waiting.fetchedUrgently().contains(5));
    }

    @Test
    void blocksBtAskedAnotherPeerForAreNoNewSourcesShareAndOnlyTheirLastHalfIsTakenOver() throws Exception {
        MessageContext assigned = peer(6910, 0xff, 5000);
        MessageContext other = peer(6911, 0xff, 4000);
        askedByBt(assigned, 5); // bt gave the piece to a peer as a stream began; nothing of it came yet
        waiting.seekTo(5);
        agent.produce(m -> { }, other);
        assertEquals(Map.of(other.getConnectionKey(), List.of("request 5/3", "request 5/2")), written,
                "asked again elsewhere, a block comes twice; the other peer takes the two the first would send last");
        assertEquals(Set.of(key(5, 0), key(5, 1), key(5, 2), key(5, 3)), assigned.getConnectionState().getPendingRequests(),
                "bt's requests stand");

        written.clear();
        blockArrives(assigned, 5, 0);
        blockArrives(assigned, 5, 1);
        assertTrue(written.isEmpty(), "the first keeps up: blocks 2 and 3 are asked of both, and nothing more is taken over");
    }

    @Test
    void whatOnePeerWasAskedForIsSharedOutAmongTheOtherSources() throws Exception {
        MessageContext assigned = peer(6912, 0xff, 5000);
        MessageContext second = peer(6913, 0xff, 4000);
        MessageContext third = peer(6914, 0xff, 3000);
        askedByBt(assigned, 5);
        waiting.seekTo(5);
        agent.produce(m -> { }, third);
        assertEquals(Map.of(second.getConnectionKey(), List.of("request 5/3"), third.getConnectionKey(), List.of("request 5/2")),
                written, "three sources: each of the other two takes a third of the four blocks, from the end");
    }

    @Test
    void aSoughtPieceIsAskedOfThePeersThatSendAtOnceAsIfAPeerThatSendsAtItsPulseHadNotBeenAskedForIt() throws Exception {
        MessageContext transmission = peer(6915, 0xff, 5000); // it has sent the most
        pulsing.add(transmission.getConnectionKey());
        MessageContext other = peer(6916, 0xff, 4000);
        askedByBt(transmission, 5); // what it was asked for may come seconds later, behind its send buffer
        waiting.seekTo(5);
        agent.produce(m -> { }, transmission);
        agent.produce(m -> { }, other);
        assertEquals(Map.of(other.getConnectionKey(), List.of("request 5/0", "request 5/1", "request 5/2", "request 5/3")), written,
                "the whole piece from the one that sends at once, none of it asked again of the other");
    }

    @Test
    void aPeerThatSendsAtItsPulseLeavesItsPlaceAmongTheFourSourcesToOneThatSendsAtOnce() throws Exception {
        MessageContext transmission = peer(6924, 0xff, 9000); // it has sent the most
        pulsing.add(transmission.getConnectionKey());
        MessageContext first = peer(6925, 0xff, 5000);
        MessageContext second = peer(6926, 0xff, 4000);
        MessageContext third = peer(6927, 0xff, 3000);
        MessageContext fifth = peer(6928, 0xff, 1000); // the fifth: a source in Transmission's place
        waiting.seekTo(5);

        agent.produce(m -> { }, fifth);

        assertEquals(Set.of(first.getConnectionKey(), second.getConnectionKey(), third.getConnectionKey(),
                fifth.getConnectionKey()), Set.copyOf(written.keySet()));
    }

    @Test
    void aHurriedReadersPieceAtAPeerThatSendsAtItsPulseGoesBehindThePiecesAfterItNotAPlaceItLeft() throws Exception {
        MessageContext transmission = peer(6917, 0xff, 0);
        pulsing.add(transmission.getConnectionKey());
        askedByBt(transmission, 6); // the piece after the reader's, which it reads next
        askedByBt(transmission, 2); // a place the reader left
        waiting.hurryTo(5);
        agent.produce(m -> { }, transmission);
        assertEquals(List.of("cancel 2/0", "cancel 2/1", "cancel 2/2", "cancel 2/3",
                        "request 5/0", "request 5/1", "request 5/2", "request 5/3"), cancelsFirst(written.get(transmission.getConnectionKey())),
                "piece 6 stays asked for: it sends at each pulse what it holds requests for, and two pieces a pulse was 1 MiB/s");
        assertTrue(transmission.getConnectionState().getPendingRequests().contains(key(6, 0)));
        assertTrue(waiting.fetchedUrgently().contains(5));
    }

    @Test
    void aHurriedReadersPieceAtAPeerThatSendsAtItsPulseTakesThePlacesOfTheFurthestPiecesWhenItsQueueIsFull() throws Exception {
        MessageContext transmission = peer(6923, 0xff, 0);
        pulsing.add(transmission.getConnectionKey());
        askedByBt(transmission, 6);
        askedByBt(transmission, 7);
        Set<Object> pending = transmission.getConnectionState().getPendingRequests();
        for (int i = 0; i < queues.limit(transmission.getConnectionState()) - 6; i++) {
            pending.add(Mapper.mapper().buildKey(3, i * BLOCK, BLOCK)); // more of bt's requests: two places short
        }
        waiting.hurryTo(5);
        agent.produce(m -> { }, transmission);
        assertEquals(List.of("cancel 7/3", "cancel 7/2", "cancel 7/1", "cancel 7/0", "cancel 6/3", "cancel 6/2",
                        "request 5/0", "request 5/1", "request 5/2", "request 5/3"), cancelsFirst(written.get(transmission.getConnectionKey())),
                "its blocks are asked for at once: left to wait for places, they would wait behind bt's requests, which take each place that comes free");
    }

    @Test
    void aHurriedReadersPieceGoesAheadAtAPeerThatSendsAtOnce() throws Exception {
        MessageContext peer = peer(6918, 0xff, 0);
        askedByBt(peer, 2);
        waiting.hurryTo(5);
        agent.produce(m -> { }, peer);
        assertEquals(List.of("cancel 2/0", "cancel 2/1", "cancel 2/2", "cancel 2/3",
                "request 5/0", "request 5/1", "request 5/2", "request 5/3"), cancelsFirst(written.get(peer.getConnectionKey())));
    }

    @Test
    void aSoughtPieceGoesAheadAtAPeerThatSendsAtItsPulse() throws Exception {
        MessageContext transmission = peer(6919, 0xff, 0);
        pulsing.add(transmission.getConnectionKey());
        askedByBt(transmission, 2);
        waiting.seekTo(5);
        agent.produce(m -> { }, transmission);
        assertEquals(List.of("cancel 2/0", "cancel 2/1", "cancel 2/2", "cancel 2/3",
                        "request 5/0", "request 5/1", "request 5/2", "request 5/3"), cancelsFirst(written.get(transmission.getConnectionKey())),
                "a seek waits for one pulse, not behind a second and a half of the peer's rate");
    }

    @Test
    void aSoughtPieceArrivingFastIsLeftToBtUntilItsRestWouldTakeOver50Ms() throws Exception {
        MessageContext sender = peer(6899, 0xff, 0);
        MessageContext other = peer(6900, 0xff, 5000);
        askedByBt(sender, 5);
        waiting.blocks.get(5).present.set(0);
        waiting.seekTo(5);
        agent.produce(m -> { }, sender);

        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20);
        waiting.blocks.get(5).present.set(1);
        waiting.blocks.get(5).present.set(2); // two blocks in 20 ms: the last one in 10 ms
        agent.produce(m -> { }, sender);
        assertTrue(written.isEmpty(), "it comes fast enough: left to bt");

        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(80);
        agent.produce(m -> { }, sender); // two blocks in 100 ms: the last one in 50 ms
        assertTrue(written.isEmpty(), "50 ms to come: still left to bt");

        nanos += java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);
        agent.produce(m -> { }, sender);
        assertEquals(Map.of(other.getConnectionKey(), List.of("request 5/3")), written, "the rest has slowed down");
        assertTrue(waiting.fetchedUrgently().contains(5));
    }

    @Test
    void aBlockBtAskedThisPeerForIsMovedForwardNotAskedTwice() throws Exception {
        MessageContext peer = peer(6887, 0xff, 0);
        askedByBt(peer, 2);
        askedByBt(peer, 5); // bt claimed the sought piece already, behind piece 2
        waiting.seekTo(5);

        agent.produce(m -> { }, peer);

        assertEquals(List.of("cancel 2/0", "cancel 2/1", "cancel 2/2", "cancel 2/3"), written.get(peer.getConnectionKey()));

        written.clear();
        for (int b = 0; b < BLOCKS; b++) { // piece 5 came and was verified
            waiting.blocks.get(5).present.set(b);
            peer.getConnectionState().getPendingRequests().remove(key(5, b));
        }
        waiting.pieces = new int[0];
        agent.produce(m -> { }, peer);
        assertEquals(List.of("request 2/0", "request 2/1", "request 2/2", "request 2/3"), written.get(peer.getConnectionKey()),
                "the held-back blocks are asked again once, behind it");
        written.clear();
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty());
    }

    @Test
    void blocksLeftToBtsRequestsAreAskedForHereWhenBtDropsThem() throws Exception {
        MessageContext peer = peer(6889, 0xff, 0);
        askedByBt(peer, 5); // bt asked for the sought piece before the reader got there
        waiting.seekTo(5);
        agent.produce(m -> { }, peer);
        assertEquals(null, written.get(peer.getConnectionKey()), "bt's requests stand");

        // bt takes the peer's assignment away: it cancels every request of it and forgets them
        waiting.blocks.get(5).present.set(1); // one block had come
        peer.getConnectionState().getPendingRequests().clear();
        nanos += 1_000_000;
        agent.produce(m -> { }, peer);

        assertEquals(List.of("request 5/0", "request 5/2", "request 5/3"), written.get(peer.getConnectionKey()),
                "bt would not ask again for a piece fetched here; it waited for its 4 s timeout");
        written.clear();
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "asked once");
    }

    @Test
    void aBlockLeftToBtThatCameAndIsBeingWrittenIsNotAskedAgain() throws Exception {
        MessageContext peer = peer(6892, 0xff, 0);
        askedByBt(peer, 5);
        waiting.seekTo(5);
        agent.produce(m -> { }, peer);
        ConnectionState state = peer.getConnectionState();

        // bt's consumer takes the block out of the pending requests and hands it to its writer
        CompletableFuture<BlockWrite> write = new CompletableFuture<>();
        state.getPendingRequests().remove(key(5, 1));
        state.getPendingWrites().put(key(5, 1), write);
        nanos += 1_000_000;
        agent.produce(m -> { }, peer);
        assertEquals(null, written.get(peer.getConnectionKey()), "it came: asking again would have it sent twice");

        // written, and present from then on
        waiting.blocks.get(5).present.set(1);
        write.complete(null);
        agent.produce(m -> { }, peer);
        assertEquals(null, written.get(peer.getConnectionKey()));

        // the others bt drops are still asked for
        state.getPendingRequests().clear();
        agent.produce(m -> { }, peer);
        assertEquals(List.of("request 5/0", "request 5/2", "request 5/3"), written.get(peer.getConnectionKey()));
    }

    @Test
    void blocksAskedHereAreAskedAgainWhenBtCancelsThemWithItsOwnRequests() throws Exception {
        MessageContext peer = peer(6890, 0xff, 0);
        askedByBt(peer, 2);
        waiting.seekTo(5);
        agent.produce(m -> { }, peer);
        blockArrives(peer, 5, 0);
        written.clear();

        // bt takes the peer's assignment away: it cancels every pending request, ours too, and forgets them
        peer.getConnectionState().getPendingRequests().clear();
        btAssigns = false;
        nanos += 1_000_000;
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "until bt assigns the peer pieces again it cancels whatever is pending on every turn");

        btAssigns = true;
        agent.produce(m -> { }, peer);
        assertEquals(List.of("request 5/1", "request 5/2", "request 5/3"), written.get(peer.getConnectionKey()),
                "bt keeps off a piece fetched here: it waited 10 s, while the peer sent bt's other blocks");
        assertTrue(peer.getConnectionState().getPendingRequests().contains(key(5, 1)), "bt takes the block when it comes");
        written.clear();
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "asked once");
    }

    @Test
    void blocksDroppedWhileThePeerChokesAreAskedForOnceItUnchokes() throws Exception {
        MessageContext peer = fetchingPieceFive(6891);
        written.clear();

        peer.getConnectionState().setPeerChoking(true); // it forgets what it was asked, and so does bt
        peer.getConnectionState().getPendingRequests().clear();
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "a choking peer ignores requests");

        peer.getConnectionState().setPeerChoking(false);
        agent.produce(m -> { }, peer);
        assertEquals(List.of("request 5/0", "request 5/1", "request 5/2", "request 5/3"), written.get(peer.getConnectionKey()));
    }

    @Test
    void aReaderReadingOnOrAPieceAlreadyArrivingIsLeftToBt() throws Exception {
        MessageContext peer = peer(6888, 0xff, 0);
        waiting.pieces = new int[]{5}; // reached by reading on: not sought
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "reading on");

        waiting.seekTo(5);
        waiting.offered.add(5);
        waiting.blocks.get(5).present.set(1); // bt's blocks of it are coming
        agent.produce(m -> { }, peer);
        assertTrue(written.isEmpty(), "bt is fetching it and it is arriving");
        assertFalse(waiting.fetchedUrgently().contains(5));
    }

    @Test
    void aPeerIsNeverAskedForMoreBlocksThanItsRequestQueueHolds() throws Exception {
        MessageContext peer = peer(6892, 0xff, 0);
        // bt's requests for a piece no reader waits on, all but two places of the peer's queue
        Set<Object> pending = peer.getConnectionState().getPendingRequests();
        int queue = queues.limit(peer.getConnectionState());
        for (int i = 0; i < queue - 2; i++) {
            pending.add(Mapper.mapper().buildKey(7, i * BLOCK, BLOCK));
        }
        waiting.seekTo(5);
        agent.produce(m -> { }, peer);
        assertEquals(List.of("request 5/0", "request 5/1"), written.get(peer.getConnectionKey()),
                "what a queue has no room for is dropped without a word, and bt waited seconds for it");

        written.clear();
        blockArrives(peer, 5, 0);
        assertEquals(List.of("request 5/2"), written.get(peer.getConnectionKey()), "a block that comes makes room for one");

        written.clear();
        pending.remove(Mapper.mapper().buildKey(7, 0, BLOCK)); // one of bt's blocks came
        agent.produce(m -> { }, peer);
        assertEquals(List.of("request 5/3"), written.get(peer.getConnectionKey()));
        assertEquals(queue, pending.size());
    }

    @Test
    void aPeerThatSaysItKeepsFewerRequestsIsAskedForFewer() throws Exception {
        MessageContext peer = peer(6895, 0xff, 0);
        saysItKeeps(peer, 3);
        waiting.seekTo(5);
        agent.produce(m -> { }, peer);
        assertEquals(List.of("request 5/0", "request 5/1"), written.get(peer.getConnectionKey()),
                "it keeps one fewer than it says, as Transmission does");

        written.clear();
        blockArrives(peer, 5, 0);
        assertEquals(List.of("request 5/2"), written.get(peer.getConnectionKey()));
    }

    @Test
    void aPieceSoughtWhileTheOldReaderStillWaitsTakesThePlacesThatFreeUpFirst() throws Exception {
        MessageContext peer = peer(6896, 0xff, 0);
        saysItKeeps(peer, 4);
        waiting.hurryTo(1);
        agent.produce(m -> { }, peer);
        assertEquals(List.of("request 1/0", "request 1/1", "request 1/2"), written.get(peer.getConnectionKey()));

        written.clear();
        waiting.pieces = new int[]{1, 6}; // mpv seeks to piece 6 and keeps its old range open until the new one answers
        waiting.sought.set(6);
        agent.produce(m -> { }, peer);
        assertNull(written.get(peer.getConnectionKey()), "no room: the queue is full");

        blockArrives(peer, 1, 0);
        assertEquals(List.of("request 6/0"), written.get(peer.getConnectionKey()),
                "the place goes to the new seek's piece, not to the rest of the old reader's");
        written.clear();
        blockArrives(peer, 1, 1);
        blockArrives(peer, 1, 2);
        assertEquals(List.of("request 6/1", "request 6/2"), written.get(peer.getConnectionKey()));
    }

    @Test
    void btAsksForAPieceFetchedHereOnlyOnceItIsGivenBack() throws Exception {
        MessageContext peer = peer(6894, 0xff, 0);
        ConnectionState state = peer.getConnectionState();
        // bt had assigned piece 5 to the peer and lined up its requests, not sent yet
        enqueuedPieces(state).add(5);
        for (int b = 0; b < BLOCKS; b++) {
            requestQueue(state).add(new Request(5, b * BLOCK, BLOCK));
        }
        requestQueue(state).add(new Request(2, 0, BLOCK));
        waiting.seekTo(5);
        agent.produce(m -> { }, peer);
        assertEquals(List.of("2/0"), requestQueue(state).stream().map(r -> r.getPieceIndex() + "/" + r.getOffset() / BLOCK).toList(),
                "bt's requests for the piece would ask for its blocks a second time");

        waiting.pieces = new int[0]; // the reader went elsewhere
        agent.produce(m -> { }, peer);
        assertFalse(enqueuedPieces(state).contains(5),
                "bt builds the piece's requests anew: it asks for a piece once, and waited for its assignment to time out");
    }

    @SuppressWarnings("unchecked")
    private static Set<Integer> enqueuedPieces(ConnectionState state) throws Exception {
        java.lang.reflect.Method m = ConnectionState.class.getDeclaredMethod("getEnqueuedPieces");
        m.setAccessible(true);
        return (Set<Integer>) m.invoke(state);
    }

    @SuppressWarnings("unchecked")
    private static java.util.Queue<Request> requestQueue(ConnectionState state) throws Exception {
        java.lang.reflect.Method m = ConnectionState.class.getDeclaredMethod("getRequestQueue");
        m.setAccessible(true);
        return (java.util.Queue<Request>) m.invoke(state);
    }

    /** A peer that has every piece, asked here for piece 5 after a reader sought it. */
    private MessageContext fetchingPieceFive(int port) throws Exception {
        MessageContext peer = peer(port, 0xff, 0);
        waiting.seekTo(5);
        agent.produce(m -> { }, peer);
        assertTrue(waiting.fetchedUrgently().contains(5));
        return peer;
    }

    /** Two peers (the first has sent more) asked here for piece 5 after a reader sought it; nothing written yet since. */
    private MessageContext[] twoSourcesFetchingPieceFive(int firstPort) throws Exception {
        MessageContext first = peer(firstPort, 0xff, 2000);
        MessageContext second = peer(firstPort + 1, 0xff, 1000);
        waiting.seekTo(5);
        agent.produce(m -> { }, first);
        written.clear();
        return new MessageContext[]{first, second};
    }

    /** The messages, after checking that every Cancel comes before every Request. */
    private static List<String> cancelsFirst(List<String> messages) {
        List<String> cancels = messages.stream().filter(m -> m.startsWith("cancel")).toList();
        assertEquals(cancels, messages.subList(0, cancels.size()), "cancels go first");
        return messages;
    }

    /** What bt does with a block a peer sent (its own consumer takes it out of the pending requests), then this agent. */
    private void blockArrives(MessageContext peer, int piece, int block) throws Exception {
        peer.getConnectionState().getPendingRequests().remove(key(piece, block));
        waiting.blocks.get(piece).present.set(block);
        agent.consume(new Piece(piece, block * BLOCK, BLOCK), peer);
    }

    /** The peer's extended handshake says how many requests it keeps ({@code reqq}). */
    private void saysItKeeps(MessageContext peer, int requests) {
        queues.consume(ExtendedHandshake.builder().property("reqq", new BEInteger(requests)).build(), peer);
    }

    private void askedByBt(MessageContext peer, int piece) {
        waiting.offered.add(piece);
        for (int b = 0; b < BLOCKS; b++) {
            peer.getConnectionState().getPendingRequests().add(key(piece, b));
        }
    }

    private static Object key(int piece, int block) {
        return Mapper.mapper().buildKey(piece, block * BLOCK, BLOCK);
    }

    private static String describe(Message m) {
        if (m instanceof Request r) {
            return "request " + r.getPieceIndex() + "/" + r.getOffset() / BLOCK;
        }
        if (m instanceof Cancel c) {
            return "cancel " + c.getPieceIndex() + "/" + c.getOffset() / BLOCK;
        }
        return m.toString();
    }

    /** A connected, unchoking peer whose bitfield is {@code bits} (piece 0 = high bit). */
    private MessageContext peer(int port, int bits, long downloaded) throws Exception {
        MessageContext peer = BtConnections.context(TORRENT, port);
        peer.getConnectionState().setPeerChoking(false);
        peer.getConnectionState().incrementDownloaded(downloaded);
        agent.consume(new Bitfield(new byte[]{(byte) bits}), peer);
        return peer;
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static final class FakeWaiting implements UrgentRequests.Waiting {
        int[] pieces = new int[0];
        final BitSet sought = new BitSet();
        final Set<Integer> offered = ConcurrentHashMap.newKeySet();
        final Set<Integer> fetched = ConcurrentHashMap.newKeySet();
        final Map<Integer, FakeBlocks> blocks = new HashMap<>();

        FakeWaiting() {
            for (int p = 0; p < 8; p++) {
                blocks.put(p, new FakeBlocks((long) BLOCKS * BLOCK, BLOCK));
            }
        }

        final BitSet hurried = new BitSet();

        void seekTo(int piece) {
            pieces = new int[]{piece};
            sought.set(piece);
        }

        /** A reader read on to the piece and waited on it long enough to be hurried. */
        void hurryTo(int piece) {
            seekTo(piece);
            hurried.set(piece);
        }

        @Override
        public int[] pieces() {
            return pieces;
        }

        @Override
        public boolean sought(int piece) {
            return sought.get(piece);
        }

        @Override
        public boolean hurried(int piece) {
            return hurried.get(piece);
        }

        @Override
        public boolean seeking() {
            return pieces.length > 0 && !sought.isEmpty();
        }

        @Override
        public Set<Integer> offeredToBt() {
            return offered;
        }

        @Override
        public Set<Integer> fetchedUrgently() {
            return fetched;
        }

        @Override
        public BlockSet blocks(int piece) {
            return blocks.get(piece);
        }
    }
}
