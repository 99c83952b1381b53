package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.Peer;
import bt.protocol.Request;
import bt.torrent.BitfieldBasedStatistics;
import bt.torrent.TorrentDescriptor;
import bt.torrent.messaging.PeerRequestConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Drops what bt 1.10 keeps of a connection after it closed, so that a seed that runs for months
 * holds the connections it has, not every one it ever had (a JVM of 128 MiB at most; 1000
 * leechers that came and went kept ~0.8 KB each in these two places):
 * <ul>
 * <li>bt's torrent worker queues a closed connection's key and drops it, with the pieces the peer
 * announced, at its next assignment round; a torrent with nothing left to download has none, so
 * here the queue is drained for it (a bitfield of every piece per leecher, 0.3 KB with 2000).
 * <li>bt's answerer of a peer's requests keeps a queue of blocks read for each peer, made on the
 * connection's first turn and never removed (~0.2 KB each; each connection has its own peer).
 * A block read for the peer after it closed makes the queue again, so the queues of every closed
 * peer still held are dropped again at each close.
 * </ul>
 * bt's objects are private there and reached by reflection; if a later bt renames them, nothing
 * is dropped, as before. Called on bt's thread that closes connections.
 */
final class ClosedConnections {
    private static final Logger log = LoggerFactory.getLogger(ClosedConnections.class);
    private static final Field SESSION_WORKER = field("bt.torrent.DefaultTorrentSessionState", "worker");
    private static final Field DISCONNECTED = field("bt.torrent.messaging.TorrentWorker", "disconnectedPeers");
    private static final Field STATISTICS = field("bt.torrent.messaging.TorrentWorker", "statisticsSupplier");
    private static final Field WORKER_FACTORY = field("bt.torrent.messaging.TorrentWorker", "peerWorkerFactory");
    private static final Field ROUTER = field("bt.torrent.messaging.PeerWorkerFactory", "router");
    private static final Field TYPED_CONSUMERS = field("bt.torrent.messaging.DefaultMessageRouter", "typedConsumers");
    private static final Field COMPILED_FOR = field("bt.torrent.messaging.DefaultMessageRouter$CollectingCompilerVisitor$1", "this$0");
    private static final Field AGENT = field("bt.torrent.messaging.DefaultMessageRouter$CollectingCompilerVisitor", "agent");
    private static final Field BLOCKS_READ = field(PeerRequestConsumer.class.getName(), "completedRequests");

    /** Per torrent: bt's queues of blocks read per peer, once found. */
    private final Map<TorrentId, Map<Peer, ?>> blocksRead = new ConcurrentHashMap<>();
    /** Per torrent: the peers of closed connections, while anything holds them (bt's peers are equal only to themselves). */
    private final Map<TorrentId, Set<Peer>> closedPeers = new ConcurrentHashMap<>();

    /** The connection under {@code key} closed. */
    void closed(TorrentDescriptor torrent, ConnectionKey key) {
        Object worker = worker(torrent);
        if (worker == null) {
            return;
        }
        if (torrent.getDataDescriptor() != null && torrent.getDataDescriptor().getBitfield().getPiecesRemaining() == 0) {
            forgetPieces(worker);
        }
        forgetBlocksRead(key.getTorrentId(), worker, key.getPeer());
    }

    /** bt's torrent worker, or null (not reachable, or not started). */
    private static Object worker(TorrentDescriptor torrent) {
        if (SESSION_WORKER == null) {
            return null;
        }
        try {
            Object session = torrent.getSessionState().orElse(null);
            return SESSION_WORKER.getDeclaringClass().isInstance(session) ? SESSION_WORKER.get(session) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("bt's torrent worker is out of reach", e);
            return null;
        }
    }

    /**
     * Drains the worker's closed keys as its assignment round would. Safe beside bt's own draining
     * (a torrent that lacks pieces again): each key is taken once, and the counts are concurrent.
     */
    @SuppressWarnings("unchecked")
    private static void forgetPieces(Object worker) {
        if (DISCONNECTED == null || STATISTICS == null) {
            return;
        }
        try {
            Queue<ConnectionKey> closed = (Queue<ConnectionKey>) DISCONNECTED.get(worker);
            BitfieldBasedStatistics statistics = ((Supplier<BitfieldBasedStatistics>) STATISTICS.get(worker)).get();
            for (ConnectionKey key = closed.poll(); key != null; key = closed.poll()) {
                if (statistics != null) {
                    statistics.removeBitfield(key);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("could not drain bt's closed connections", e);
        }
    }

    private void forgetBlocksRead(TorrentId torrent, Object worker, Peer peer) {
        Map<Peer, ?> queues = blocksRead.computeIfAbsent(torrent, t -> blocksRead(worker));
        if (queues == null) {
            return; // found on a later close: bt builds its routes on a connection's first turn
        }
        Set<Peer> closed = closedPeers.computeIfAbsent(torrent, t -> Collections.synchronizedSet(
                Collections.newSetFromMap(new WeakHashMap<>())));
        synchronized (closed) {
            closed.add(peer);
            closed.forEach(queues::remove);
        }
    }

    /** bt's queues of blocks read per peer for the torrent (in its answerer of requests), or null. */
    @SuppressWarnings("unchecked")
    private static Map<Peer, ?> blocksRead(Object worker) {
        if (WORKER_FACTORY == null || ROUTER == null || TYPED_CONSUMERS == null || COMPILED_FOR == null
                || AGENT == null || BLOCKS_READ == null) {
            return null;
        }
        try {
            Object router = ROUTER.get(WORKER_FACTORY.get(worker));
            Map<Class<?>, Collection<?>> consumers = (Map<Class<?>, Collection<?>>) TYPED_CONSUMERS.get(router);
            for (Object consumer : List.copyOf(consumers.getOrDefault(Request.class, List.of()))) {
                if (COMPILED_FOR.getDeclaringClass().isInstance(consumer)
                        && AGENT.get(COMPILED_FOR.get(consumer)) instanceof PeerRequestConsumer answerer) {
                    return (Map<Peer, ?>) BLOCKS_READ.get(answerer);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("bt's queues of blocks read are out of reach", e);
        }
        return null;
    }

    private static Field field(String type, String name) {
        try {
            Field f = Class.forName(type).getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("bt's {}.{} is not there: what bt keeps of closed connections stays", type, name, e);
            return null;
        }
    }
}
