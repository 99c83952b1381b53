package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.PeerConnection;
import bt.protocol.Bitfield;
import bt.protocol.Have;
import bt.protocol.Message;
import bt.protocol.NotInterested;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Tells bt 1.10 again which pieces a peer it dialled again has, when bt forgot them. bt keys a
 * connection by its peer's address and port, so a peer dialled again (by the watchdog, a
 * tracker, the scout) gets the key of its closed connection. bt handles that connection's
 * disconnect lazily, at its next assignment round after it, and then drops the peer's pieces
 * from its statistics under the key: when the new connection's Bitfield came first, bt forgets
 * it, tells the peer "not interested" and never asks it for anything again. A lone qBittorrent
 * seeder that the watchdog reconnected then kept flux choked for good (it chokes a peer that says
 * "not interested"): the stream waited on it until its timeout. So for a connection under a
 * reused key this keeps what the peer announced on it (its Bitfield and Haves); when bt says "not
 * interested" to it although those name a piece flux lacks (bt is interested in every peer that
 * has one), that message is held back and the announcements are handed to bt's agents once more,
 * after which {@link PromptInterest} says "interested" again. Thread-safe: bt adds connections
 * from its own threads, the message loop does the rest.
 */
final class StaleDisconnects {
    /**
     * Keys whose connection closed, the oldest forgotten first beyond this many: bt handles a
     * disconnect within its 5 s between assignment rounds, and a seed that runs for months meets
     * closes by the million (each key kept holds its peer, ~0.4 KB).
     */
    private static final int CLOSED_KEYS_KEPT = 1024;

    private final Function<TorrentId, IntPredicate> lacking;
    private final Set<ConnectionKey> closedKeys = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ConnectionKey, Boolean> eldest) {
                    return size() > CLOSED_KEYS_KEPT;
                }
            }));
    private final Map<ConnectionKey, Reused> reused = new ConcurrentHashMap<>();

    /** @param lacking the pieces each torrent still lacks: a null predicate while its metadata is unknown */
    StaleDisconnects(Function<TorrentId, IntPredicate> lacking) {
        this.lacking = lacking;
    }

    /** A connection under this key closed: the next one under it may meet bt's late disconnect. */
    void closed(ConnectionKey key, PeerConnection connection) {
        reused.computeIfPresent(key, (k, r) -> r.connection == connection ? null : r);
        closedKeys.add(key);
    }

    /**
     * A connection's first agents are being added, before the loop can read its messages.
     * {@code replacing} says an earlier connection's agents were still there under the key.
     */
    void opened(ConnectionKey key, PeerConnection connection, boolean replacing) {
        if (closedKeys.remove(key) || replacing) {
            reused.put(key, new Reused(connection));
        }
    }

    /** A message the connection received, before bt's agents get it. */
    void received(ConnectionKey key, PeerConnection connection, Message message) {
        if (message instanceof Bitfield || message instanceof Have) {
            Reused r = reused.get(key);
            if (r != null && r.connection == connection) {
                r.announced.add(message);
            }
        }
    }

    /**
     * What to hand bt's agents of the connection again in place of {@code outgoing}, which is then
     * not sent; null to send it as it is.
     */
    List<Message> retell(ConnectionKey key, PeerConnection connection, Message outgoing) {
        if (!(outgoing instanceof NotInterested)) {
            return null;
        }
        Reused r = reused.get(key);
        if (r == null || r.connection != connection || r.announced.isEmpty()) {
            return null;
        }
        IntPredicate missing = lacking.apply(key.getTorrentId());
        return missing != null && namesAny(r.announced, missing) ? List.copyOf(r.announced) : null;
    }

    private static boolean namesAny(List<Message> announced, IntPredicate missing) {
        for (Message m : announced) {
            if (m instanceof Have have && missing.test(have.getPieceIndex())) {
                return true;
            }
            if (m instanceof Bitfield bitfield && BitfieldPieces.namesAny(bitfield, missing)) {
                return true;
            }
        }
        return false;
    }

    /** A connection under a key that had one before, and what its peer announced on it. */
    private static final class Reused {
        final PeerConnection connection;
        /** Only the message loop's thread reads and writes it. */
        final List<Message> announced = new ArrayList<>();

        Reused(PeerConnection connection) {
            this.connection = connection;
        }
    }
}
