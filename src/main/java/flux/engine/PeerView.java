package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.torrent.messaging.ConnectionState;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One connection as {@link UrgentRequests} sees it: bt's state for it, the pieces the peer has,
 * the requests held back from it and how fast it sends.
 */
final class PeerView {
    /** A peer's rate is known once its blocks have come for this long ({@link #rate}). */
    private static final long RATE_SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    final ConnectionKey key;
    final TorrentId torrent;
    final ConnectionState state;
    final BitSet has = new BitSet();
    /** Its older requests cancelled for sought pieces and not asked again yet: bt still counts them pending. */
    final List<HeldBack> heldBack = new ArrayList<>();
    /** Whether a block came from it, when the first one came, and what it had sent before: its rate counts from there. */
    boolean sentBlocks;
    private long firstBlockNanos;
    private long downloadedBefore;

    PeerView(ConnectionKey key, TorrentId torrent, ConnectionState state) {
        this.key = key;
        this.torrent = torrent;
        this.state = state;
    }

    void firstBlock(long now) {
        sentBlocks = true;
        firstBlockNanos = now;
        downloadedBefore = state.getDownloaded();
    }

    /**
     * Bytes per second it sent since its first block; NaN before {@link #RATE_SPAN_NANOS} of
     * that. An average since then rather than the last second's rate: the urgent blocks a
     * peer is asked for are a moment's work, and a peer that sent nothing lately because it
     * was asked for nothing is not slow.
     */
    double rate(long now) {
        long span = now - firstBlockNanos;
        if (!sentBlocks || span < RATE_SPAN_NANOS) {
            return Double.NaN;
        }
        return (state.getDownloaded() - downloadedBefore) * 1e9 / span;
    }

    /** The blocks bt (or this class) asked this peer for that have not come yet. */
    Set<Object> pending() {
        return state.getPendingRequests();
    }

    /** The requests cancelled to make way for sought pieces, to be asked again later. */
    Set<Object> heldKeys() {
        if (heldBack.isEmpty()) {
            return Set.of();
        }
        Set<Object> keys = new HashSet<>();
        for (HeldBack held : heldBack) {
            for (AskedBlock a : held.requests) {
                keys.add(a.key);
            }
        }
        return keys;
    }

    /**
     * The blocks this peer was asked for and not told to forget: what its request queue holds.
     * Runs for every block that comes while a fetch has blocks lined up, so it allocates
     * nothing; a request is in one held-back list at most ({@code UrgentRequests.askedBefore}).
     */
    int inFlight() {
        int cancelled = 0;
        for (HeldBack held : heldBack) {
            for (AskedBlock a : held.requests) {
                if (pending().contains(a.key)) {
                    cancelled++;
                }
            }
        }
        return state.getPendingRequests().size() - cancelled;
    }
}
