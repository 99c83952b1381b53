package flux.engine;

import bt.data.BlockSet;
import bt.protocol.Cancel;
import bt.protocol.Message;
import bt.torrent.messaging.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static flux.engine.Blocks.cancel;
import static flux.engine.Blocks.present;

/**
 * The blocks of a piece {@link UrgentRequests} fetches that will not come as they were asked
 * for, asked for again: those bt cancelled with its own requests, and those a source dropped.
 * Runs on bt's message loop, for every fetch on every turn.
 */
final class LostBlocks {
    private static final Logger log = LoggerFactory.getLogger(LostBlocks.class);

    private final Predicate<ConnectionState> btAssignsPieces;
    private final Consumer<Map<PeerView, List<Message>>> send;

    /**
     * @param btAssignsPieces whether bt has pieces assigned to a peer ({@link BtAssignments})
     * @param send            writes each peer's messages to its socket at once
     */
    LostBlocks(Predicate<ConnectionState> btAssignsPieces, Consumer<Map<PeerView, List<Message>>> send) {
        this.btAssignsPieces = btAssignsPieces;
        this.send = send;
    }

    /**
     * Asks again for the blocks of a fetched piece that bt cancelled and forgot: whenever bt
     * takes a peer's assignment away (it timed out, or its pieces are done) it sends a Cancel for
     * every request pending at that peer, those of the fetch included, and forgets them. A block
     * left to bt's own requests is not bt's to ask for again either, since a fetched piece is
     * kept from bt. Either way the piece waited for {@link UrgentFetch#LONGEST_FETCH_NANOS} while
     * the peer sent bt's other blocks: a seek in {@code StreamIT} took 17.5 s instead of 1 s, and against a
     * lone qBittorrent seeder about 1 stream in 10 lost its first two pieces' requests and waited
     * 4 s. Such a block is asked for again once the peer does not choke flux and bt has pieces
     * assigned to it again: before, bt would cancel it again on its next turn.
     */
    void askForDropped(int piece, UrgentFetch fetch, BlockSet blocks) {
        // runs on every turn while the piece comes: nothing is allocated unless bt dropped a block
        Map<PeerView, List<Message>> dropped = null;
        for (Iterator<AskedBlock> it = fetch.leftToBt.iterator(); it.hasNext(); ) {
            AskedBlock left = it.next();
            if (present(blocks, left.request)) {
                it.remove();
            } else if (reclaimedFromBt(left)) {
                it.remove();
                fetch.asked.add(left);
                dropped = with(dropped, left);
            }
        }
        for (AskedBlock asked : fetch.asked) {
            if (!present(blocks, asked.request) && reclaimedFromBt(asked)) {
                dropped = with(dropped, asked);
            }
        }
        if (dropped != null) {
            if (log.isDebugEnabled()) {
                log.debug("piece {}: asked again for {} blocks that bt cancelled with its own requests", piece,
                        dropped.values().stream().mapToInt(List::size).sum());
            }
            send.accept(dropped);
            dropped.keySet().forEach(fetch::asked);
        }
    }

    /**
     * Asks again for the blocks of a fetched piece that a source dropped: a peer sends what it
     * is asked for in order, so once it has sent all it had been asked for when this piece's
     * blocks were last asked of it (and some slack), those still missing will not come. A peer
     * drops requests beyond its queue without a word (bt 1.10 has no Fast extension, so no
     * Reject), and bt counts such a block pending until the peer's assignment times out, which
     * never happens while the peer sends other blocks: a lone Transmission seeder, asked for more
     * than it keeps, sent 127 MiB while a reader's piece waited 25 s on one such block. Each is
     * cancelled (in case the peer holds it after all) and asked again.
     */
    void askForLost(int piece, UrgentFetch fetch, BlockSet blocks) {
        if (fetch.dueBy.isEmpty()) {
            return;
        }
        Map<PeerView, List<Message>> again = null;
        for (Iterator<Map.Entry<PeerView, Long>> it = fetch.dueBy.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PeerView, Long> due = it.next();
            PeerView source = due.getKey();
            if (source.state.getDownloaded() < due.getValue()) {
                continue;
            }
            it.remove();
            Set<Object> held = source.heldKeys();
            for (List<AskedBlock> list : List.of(fetch.asked, fetch.leftToBt)) {
                for (AskedBlock a : list) {
                    if (a.peer == source && !present(blocks, a.request) && source.pending().contains(a.key) && !held.contains(a.key)) {
                        again = with(again, cancel(a.request), a);
                    }
                }
            }
        }
        if (again != null) {
            again.forEach((source, messages) -> {
                log.debug("piece {}: asked a peer again for {} blocks it dropped", piece, messages.size() / 2);
                fetch.asked(source);
            });
            send.accept(again);
        }
    }

    /**
     * True when the block's request is no longer pending at its peer (bt cancelled it), which may
     * be asked again now. It is pending again from now on, for bt to take the block when it comes.
     */
    private boolean reclaimedFromBt(AskedBlock asked) {
        ConnectionState state = asked.peer.state;
        return !asked.awaited() && !state.isPeerChoking() && btAssignsPieces.test(state)
                && state.getPendingRequests().add(asked.key);
    }

    private static Map<PeerView, List<Message>> with(Map<PeerView, List<Message>> requests, AskedBlock asked) {
        Map<PeerView, List<Message>> map = requests == null ? new HashMap<>() : requests;
        map.computeIfAbsent(asked.peer, p -> new ArrayList<>()).add(asked.request);
        return map;
    }

    /** {@link #with}, the Cancel first: the block is asked again at the end of the peer's queue, not twice. */
    private static Map<PeerView, List<Message>> with(Map<PeerView, List<Message>> requests, Cancel first, AskedBlock asked) {
        Map<PeerView, List<Message>> map = requests == null ? new HashMap<>() : requests;
        map.computeIfAbsent(asked.peer, p -> new ArrayList<>()).add(first);
        return with(map, asked);
    }
}
