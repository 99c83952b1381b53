package flux.engine;

import bt.torrent.PieceStatistics;
import bt.torrent.selector.PieceSelector;
import flux.stream.PiecePriorities;
import flux.stream.ReaderRegistry;
import flux.stream.VerifiedPieces;

import java.util.BitSet;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * bt asks this for the next pieces each time a peer has room in its queue; the answer is the
 * playback order from {@link PiecePriorities}, restricted to what the peer has. Pieces outside
 * the plan (files nobody selected or reads) are never returned, so they are not downloaded.
 * Without a plan (seeding, or a download of everything) it is plain sequential order.
 */
final class PlaybackSelector implements PieceSelector {
    private final ReaderRegistry readers;
    private volatile PiecePriorities priorities;
    private volatile VerifiedPieces verified;
    private volatile boolean paused;
    /** Pieces handed to bt and not verified yet: a superset of what bt has asked peers for. */
    private final Set<Integer> offered = ConcurrentHashMap.newKeySet();
    /** Pieces {@link UrgentRequests} fetches itself: bt would ask for their blocks a second time. */
    private final Set<Integer> fetchedUrgently = ConcurrentHashMap.newKeySet();
    /** Pieces {@link WebSeeds} fetch: bt asks no peer for them, unless they are in {@link #alsoFromPeers} too. */
    private final Set<Integer> fromWebSeeds = ConcurrentHashMap.newKeySet();
    /** Pieces a web seed fetches and a reader waits on: bt's peers may deliver them first. */
    private final Set<Integer> alsoFromPeers = ConcurrentHashMap.newKeySet();

    PlaybackSelector(ReaderRegistry readers) {
        this.readers = readers;
    }

    /** Request nothing at all (for example while only listing the files). */
    void pause() {
        paused = true;
    }

    void plan(PiecePriorities priorities, VerifiedPieces verified) {
        this.paused = false;
        this.verified = verified;
        this.priorities = priorities;
    }

    @Override
    public IntStream getNextPieces(BitSet relevantChunks, PieceStatistics pieceStatistics) {
        if (paused) {
            return IntStream.empty();
        }
        PiecePriorities p = priorities;
        VerifiedPieces v = verified;
        if (p == null || v == null) {
            return relevantChunks.stream();
        }
        int[] order = orderOf(p, v);
        // the end game: when all that is left is the web seeds', the peers may have it too. bt
        // tells a peer it has nothing to ask for "not interested", and a seeder then chokes flux:
        // a 1 MiB piece a reader waited on came from a 50 KiB/s server after 6 s while the peer,
        // asked for it urgently, sent nothing
        // asked only while a web seed holds a piece: this runs whenever a peer has room for requests
        boolean onlyWebSeedsLeft = !fromWebSeeds.isEmpty()
                && Arrays.stream(order).allMatch(piece -> fromWebSeeds.contains(piece) || fetchedUrgently.contains(piece));
        // bt pulls from this lazily and stops once it has claimed enough: what it pulled is all it may have asked for
        return Arrays.stream(order).filter(piece -> relevantChunks.get(piece) && !fetchedUrgently.contains(piece)
                && (onlyWebSeedsLeft || !fromWebSeeds.contains(piece) || alsoFromPeers.contains(piece))).peek(offered::add);
    }

    /** The pieces wanted now, most urgent first, without verified ones; none while paused or before the plan. */
    int[] order() {
        PiecePriorities p = priorities;
        VerifiedPieces v = verified;
        if (paused || p == null || v == null) {
            return new int[0];
        }
        return orderOf(p, v);
    }

    private int[] orderOf(PiecePriorities p, VerifiedPieces v) {
        return p.order(v.snapshot(), readers.positions(), readers.recentlyClosed());
    }

    void pieceVerified(int piece) {
        offered.remove(piece);
        fetchedUrgently.remove(piece);
        fromWebSeeds.remove(piece);
        alsoFromPeers.remove(piece);
    }

    /** Pieces bt may have requested from some peer and that are not verified yet. */
    Set<Integer> offered() {
        return offered;
    }

    /** Pieces kept from bt while {@link UrgentRequests} fetches them; callers add and remove. */
    Set<Integer> fetchedUrgently() {
        return fetchedUrgently;
    }

    /** Pieces of {@link #fromWebSeeds} bt may ask peers for all the same; {@link WebSeedPieces} adds, verification removes. */
    Set<Integer> alsoFromPeers() {
        return alsoFromPeers;
    }

    /** Pieces kept from bt while a web seed fetches them; {@link WebSeeds} adds and removes. */
    Set<Integer> fromWebSeeds() {
        return fromWebSeeds;
    }
}
