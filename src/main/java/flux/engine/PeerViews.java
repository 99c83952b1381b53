package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Request;
import bt.torrent.messaging.MessageContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Every connection {@link UrgentRequests} has seen a Bitfield or Have on, as a {@link PeerView}:
 * which peers have a piece, which of them send, and which hold a block's request.
 */
final class PeerViews {
    private final Map<ConnectionKey, PeerView> peers = new ConcurrentHashMap<>();

    /** The connection's view, made on its first Bitfield or Have (dropped when it disconnects). */
    PeerView view(MessageContext context) {
        // a reconnection to the same peer and port has the same key, and a new state
        return peers.compute(context.getConnectionKey(), (k, v) -> v != null && v.state == context.getConnectionState()
                ? v : new PeerView(k, context.getTorrentId(), context.getConnectionState()));
    }

    /** The connection's view, or null before its first Bitfield or Have. */
    PeerView get(ConnectionKey peer) {
        return peers.get(peer);
    }

    void gone(ConnectionKey peer) {
        peers.remove(peer);
    }

    Collection<PeerView> all() {
        return peers.values();
    }

    /**
     * Up to {@code most} connected peers, besides {@code already}, that have sent the most so far
     * among those that have the piece and do not choke flux; only {@code preferred} ones when one
     * of those or of {@code already} is.
     */
    List<PeerView> sources(TorrentId torrent, int piece, List<PeerView> already, int most, Predicate<PeerView> preferred) {
        List<PeerView> found = new ArrayList<>();
        for (PeerView v : peers.values()) {
            if (torrent.equals(v.torrent) && !v.state.isPeerChoking() && v.has.get(piece) && !already.contains(v)) {
                found.add(v);
            }
        }
        if (already.stream().anyMatch(preferred) || found.stream().anyMatch(preferred)) {
            found.removeIf(preferred.negate());
        }
        found.sort(Comparator.comparingLong((PeerView v) -> v.state.getDownloaded()).reversed());
        return found.size() > most ? found.subList(0, most) : found;
    }

    /**
     * How many peers of the torrent that pass {@code counted} were asked for the block and have
     * not sent it (or are writing it).
     */
    int holding(Request block, TorrentId torrent, Predicate<PeerView> counted) {
        Object key = Blocks.key(block);
        int n = 0;
        for (PeerView p : peers.values()) {
            if (torrent.equals(p.torrent) && counted.test(p) && (p.pending().contains(key) || BtAssignments.beingWritten(p.state, key))) {
                n++;
            }
        }
        return n;
    }

    /**
     * The torrent's connected peers that have the piece, and how many of those do not choke flux.
     * Read on another thread while bt's loop updates the views: a diagnosis (a Have that comes
     * meanwhile may be missed), never a decision.
     */
    PieceHolders holders(TorrentId torrent, int piece, int connectedPeers) {
        int have = 0;
        int unchoking = 0;
        for (PeerView v : peers.values()) {
            if (torrent.equals(v.torrent) && v.has.get(piece)) {
                have++;
                if (!v.state.isPeerChoking()) {
                    unchoking++;
                }
            }
        }
        return new PieceHolders(Math.max(connectedPeers, have), have, unchoking);
    }
}
