package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.InetPeer;
import bt.net.IPeerConnectionPool;
import bt.peer.IPeerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Keeps torrents from hanging. bt 1.10 dials a peer only when it is "discovered", and trackers
 * re-deliver peers only every ~15-30 min, so a dropped or refused connection (Transmission refuses
 * a second handshake from an IP mid-handshake) is never retried. Every tick this re-adds the known
 * peers of a torrent that has none connected (with backoff), and of one that has peers but made
 * no progress for a while although it still wants data; it also asks the peer sources again.
 * In that second case it first closes the connections whose peer lets flux download and holds
 * its requests, yet sent nothing all that time: a connection wedged at either end (a peer that
 * lost the requests, a socket nobody reads) would otherwise keep its peer from being dialled
 * again for as long as it stays open. Peers that choke flux are left alone: they owe nothing.
 * A seeder with no peer connected re-dials the peers it knows a few times, and never asks the
 * trackers early: their interval is theirs to set. The peers it knows are the most recently seen
 * {@link #KNOWN_PEERS_KEPT}.
 */
final class PeerWatchdog {
    private static final Logger log = LoggerFactory.getLogger(PeerWatchdog.class);
    /** The first wait between re-dials, doubled after each up to {@link #MAX_BACKOFF_MS}. */
    private static final long FIRST_BACKOFF_MS = 2_000;
    private static final long MAX_BACKOFF_MS = 60_000;
    /** At 2, 4, 8, 16 and 32 s: a minute for a leecher that lost its connection to come back. */
    private static final int SEEDER_REDIALS = 5;
    /**
     * The peers dialled again: the most recently seen this many. A seed on the DHT meets thousands
     * of peers over the months it runs, and would keep, and dial again, every one.
     */
    static final int KNOWN_PEERS_KEPT = 200;

    private final IPeerRegistry peerRegistry;
    private final IPeerConnectionPool pool;
    private final Duration stallAfter;
    private final Predicate<ConnectionKey> owesBlocks;
    private final Map<TorrentId, Watched> watched = new ConcurrentHashMap<>();

    /** @param owesBlocks whether a connection's peer does not choke flux and holds its requests */
    PeerWatchdog(IPeerRegistry peerRegistry, IPeerConnectionPool pool, Duration stallAfter, Predicate<ConnectionKey> owesBlocks) {
        this.peerRegistry = peerRegistry;
        this.pool = pool;
        this.stallAfter = stallAfter;
        this.owesBlocks = owesBlocks;
    }

    void watch(TorrentSession session, BooleanSupplier wantsData) {
        watched.put(session.id(), new Watched(session, wantsData));
    }

    void forget(TorrentId id) {
        watched.remove(id);
    }

    void peerSeen(TorrentId id, InetSocketAddress address) {
        Watched w = watched.get(id);
        if (w != null && address.getPort() > 0 && w.peers.seen(address)) {
            w.seederRedials = 0;
        }
    }

    /** One pass over all torrents; called every second or so by the engine's scheduler. */
    void tick() {
        tick(System.currentTimeMillis());
    }

    void tick(long now) {
        for (Map.Entry<TorrentId, Watched> e : watched.entrySet()) {
            try {
                check(e.getKey(), e.getValue(), now);
            } catch (RuntimeException ex) {
                log.debug("watchdog check failed for {}", e.getKey(), ex);
            }
        }
    }

    private void check(TorrentId id, Watched w, long now) {
        int[] connections = {0};
        pool.visitConnections(id, c -> connections[0]++);
        if (w.wantsData.getAsBoolean()) {
            checkLeecher(id, w, connections[0], now);
        } else {
            checkSeeder(id, w, connections[0], now);
        }
    }

    private void checkLeecher(TorrentId id, Watched w, int connections, long now) {
        long downloaded = w.session.downloadedBytes();
        if (downloaded != w.lastDownloaded) {
            w.lastDownloaded = downloaded;
            w.lastProgress = now;
            w.backoffMs = FIRST_BACKOFF_MS;
        }
        boolean idle = connections == 0;
        boolean stalled = !idle && now - w.lastProgress > stallAfter.toMillis();
        if ((!idle && !stalled) || now < w.nextAttempt) {
            return;
        }
        if (stalled) {
            int closed = closeThoseOwingBlocks(id);
            log.warn("no data for {} s from {} connected peer(s); reconnecting {} that let flux download, "
                    + "and asking for more peers", (now - w.lastProgress) / 1000, connections, closed);
            w.lastProgress = now;
        }
        List<InetSocketAddress> known = w.peers.all();
        if (!stalled && !known.isEmpty()) {
            log.debug("no connected peers: re-adding {} known peer(s)", known.size());
        }
        readd(id, known);
        peerRegistry.triggerPeerCollection(id);
        backOff(w, now);
    }

    /**
     * A seeder's dial to a leecher its tracker named can fail (a peer that requires encryption
     * closes the plaintext try, and may still hold it when the encrypted one comes), and the
     * leecher may never dial back (Transmission dials no loopback peer): without this the two
     * would wait for the tracker's next interval.
     */
    private void checkSeeder(TorrentId id, Watched w, int connections, long now) {
        if (connections > 0) {
            w.seederRedials = 0;
            w.backoffMs = FIRST_BACKOFF_MS;
            w.nextAttempt = now + w.backoffMs;
            return;
        }
        if (w.seederRedials >= SEEDER_REDIALS || now < w.nextAttempt) {
            return;
        }
        List<InetSocketAddress> known = w.peers.all();
        if (known.isEmpty()) {
            return;
        }
        log.debug("seeding with no peer connected: dialling {} known peer(s) again", known.size());
        readd(id, known);
        w.seederRedials++;
        backOff(w, now);
    }

    /** Closes the torrent's connections whose peer owes blocks; bt drops them within a second. */
    private int closeThoseOwingBlocks(TorrentId id) {
        int[] closed = {0};
        pool.visitConnections(id, c -> {
            if (owesBlocks.test(new ConnectionKey(c.getRemotePeer(), c.getRemotePort(), id))) {
                c.closeQuietly();
                closed[0]++;
            }
        });
        return closed[0];
    }

    private void readd(TorrentId id, List<InetSocketAddress> known) {
        for (InetSocketAddress a : known) {
            // fresh InetPeer objects: bt's ban list is keyed by object identity
            peerRegistry.addPeer(id, InetPeer.build(a.getAddress(), a.getPort()));
        }
    }

    private static void backOff(Watched w, long now) {
        w.nextAttempt = now + w.backoffMs;
        w.backoffMs = Math.min(MAX_BACKOFF_MS, w.backoffMs * 2);
    }

    private static final class Watched {
        final TorrentSession session;
        final BooleanSupplier wantsData;
        final RecentPeers peers = new RecentPeers();
        long lastDownloaded = -1;
        long lastProgress = System.currentTimeMillis();
        // the first connections are still handshaking: give them a moment before re-dialing
        long nextAttempt = System.currentTimeMillis() + 3_000;
        long backoffMs = FIRST_BACKOFF_MS;
        volatile int seederRedials;

        Watched(TorrentSession session, BooleanSupplier wantsData) {
            this.session = session;
            this.wantsData = wantsData;
        }
    }

    /** The most recently seen {@link #KNOWN_PEERS_KEPT} peers of a torrent. */
    private static final class RecentPeers {
        private final Map<InetSocketAddress, Boolean> peers = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Boolean> eldest) {
                return size() > KNOWN_PEERS_KEPT;
            }
        };

        /** Records the peer as the most recent; true if it was not among those kept. */
        synchronized boolean seen(InetSocketAddress peer) {
            boolean known = peers.remove(peer) != null;
            peers.put(peer, Boolean.TRUE);
            return !known;
        }

        synchronized List<InetSocketAddress> all() {
            return List.copyOf(peers.keySet());
        }
    }
}
