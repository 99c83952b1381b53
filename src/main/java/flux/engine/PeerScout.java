package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.PeerId;
import bt.protocol.Handshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Meets the first torrent's peers while bt is still being wired (~0.35 s of the start-up).
 * Seeders answer a new connection on their own clock: aria2c accepts it on its ~1 s event loop,
 * so its handshake reply came 0-1 s after the connect, but at once for a connection older than
 * that tick (measured with a raw-socket probe). The scout therefore announces to the input's
 * http:// and udp:// trackers, connects to the peers they name and to those the user named
 * (`--peer`), and sends bt's handshake, all on the second core; bt then adopts these connections
 * ({@link ScoutedConnections}) instead of dialling anew, and the replies are waiting for it. The
 * announce itself stands for bt's first one ({@link HttpTrackers}).
 */
final class PeerScout implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerScout.class);
    static final PeerScout NONE = new PeerScout(null, new byte[0]);

    private static final int EXTENDED_PROTOCOL_BIT = 43; // as bt's ExtendedProtocolHandshakeHandler sets it
    private static final int DHT_BIT = 63;               // as bt's DHTHandshakeHandler sets it
    private static final int MAX_PEERS = 40;
    private static final int TIMEOUT_MILLIS = 3000;
    /** Connections bt has not claimed by then are closed: bt dials every peer it hears of sooner. */
    private static final long UNCLAIMED_SECONDS = 30;

    /**
     * The torrent to scout for: what its input names, before bt parses anything.
     *
     * @param peers peers to meet beside those the trackers name
     */
    record Target(TorrentId torrent, List<String> trackers, long left, List<InetSocketAddress> peers) {
        Target(TorrentId torrent, List<String> trackers, long left) {
            this(torrent, trackers, left, List.of());
        }

        /**
         * The torrent an input names, if it names a tracker the scout can ask (http:// or udp://)
         * or the user named peers.
         */
        static Optional<Target> of(TorrentInput input, List<InetSocketAddress> namedPeers) {
            return read(input).map(t -> new Target(t.torrent(), t.trackers(), t.left(), List.copyOf(namedPeers)))
                    .filter(t -> !t.peers().isEmpty() || t.trackers().stream().anyMatch(Announce::canAsk));
        }

        private static Optional<Target> read(TorrentInput input) {
            try {
                if (input instanceof TorrentInput.Magnet m) {
                    return Optional.of(new Target(torrentId(m.infoHash()), m.trackers(), Announce.LEFT_UNKNOWN));
                }
                if (input instanceof TorrentInput.TorrentFile || input instanceof TorrentInput.TorrentBytes) {
                    Metainfo.Peek meta = Metainfo.peek(input);
                    // a private torrent's peers come from its own trackers only (bt keeps to that too)
                    List<String> trackers = meta.isPrivate() ? meta.trackers()
                            : Stream.concat(meta.trackers().stream(), input.extraTrackers().stream()).distinct().toList();
                    return Optional.of(new Target(TorrentId.fromBytes(meta.infoHash()), trackers, meta.totalSize()));
                }
            } catch (RuntimeException e) {
                log.debug("nothing to scout for {}", input, e); // bt reports a bad input itself
            }
            return Optional.empty();
        }

        private static TorrentId torrentId(String hex) {
            return TorrentId.fromBytes(HexFormat.of().parseHex(hex));
        }
    }

    private final TorrentId torrent;
    private final byte[] handshake;
    private final Map<String, CompletableFuture<Announce.Reply>> announces = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, CompletableFuture<SocketChannel>> unclaimed = new ConcurrentHashMap<>();
    private final Set<InetSocketAddress> handshakeSent = ConcurrentHashMap.newKeySet();
    private final AtomicInteger adopted = new AtomicInteger();
    private volatile boolean closed;

    private PeerScout(TorrentId torrent, byte[] handshake) {
        this.torrent = torrent;
        this.handshake = handshake;
    }

    /** Starts scouting on background threads and returns at once; {@code replies} hears how each tracker answered. */
    static PeerScout start(Target target, PeerId peerId, boolean dht, int port, InetAddress bind, TrackerReplies replies) {
        Handshake mine = handshake(target.torrent(), peerId, dht);
        PeerScout scout = new PeerScout(target.torrent(), encode(mine));
        InetAddress announced = Announce.announcedAddress(bind);
        Announce.Request request = new Announce.Request(target.torrent().getBytes(), peerId.getBytes(), port,
                Announce.Event.STARTED, Announce.Transfer.nothingYet(target.left()), announced, 200);
        ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "flux-scout");
            t.setDaemon(true);
            return t;
        });
        for (String tracker : target.trackers()) {
            if (!Announce.canAsk(tracker)) {
                continue;
            }
            CompletableFuture<Announce.Reply> answer = new CompletableFuture<>();
            scout.announces.put(tracker, answer);
            workers.execute(() -> {
                try {
                    log.debug("scout: announcing to {}", tracker);
                    Announce.Reply reply = Announce.announce(tracker, request, TIMEOUT_MILLIS);
                    log.debug("scout: {} named {} peers", tracker, reply.peers().size());
                    replies.answered(target.torrent(), tracker);
                    // the tracker may list flux itself: the scout announced first
                    Announce.Reply others = reply.without(announced, port);
                    answer.complete(others);
                    others.peers().forEach(peer -> scout.contact(peer, bind, workers));
                } catch (IOException | RuntimeException e) {
                    log.debug("scout: tracker {}: {}", tracker, e.toString());
                    replies.failed(target.torrent(), tracker, e);
                    answer.complete(null);
                }
            });
        }
        target.peers().forEach(peer -> scout.contact(peer, bind, workers));
        CompletableFuture.delayedExecutor(UNCLAIMED_SECONDS, TimeUnit.SECONDS).execute(() -> {
            scout.closeUnclaimed();
            workers.shutdown();
        });
        return scout;
    }

    /** The handshake bt sends for this torrent (the bits its handshake handlers set). */
    static Handshake handshake(TorrentId torrent, PeerId peerId, boolean dht) {
        Handshake h = new Handshake(new byte[8], torrent, peerId);
        h.setReservedBit(EXTENDED_PROTOCOL_BIT);
        if (dht) {
            h.setReservedBit(DHT_BIT);
        }
        return h;
    }

    private static byte[] encode(Handshake h) {
        ByteBuffer b = ByteBuffer.allocate(68);
        b.put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII))
                .put(h.getReserved()).put(h.getTorrentId().getBytes()).put(h.getPeerId().getBytes());
        return b.array();
    }

    private void contact(InetSocketAddress peer, InetAddress bind, ExecutorService workers) {
        CompletableFuture<SocketChannel> connection = new CompletableFuture<>();
        if (closed || unclaimed.size() + adopted.get() >= MAX_PEERS || unclaimed.putIfAbsent(peer, connection) != null) {
            return;
        }
        workers.execute(() -> {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open();
                channel.bind(new InetSocketAddress(bind, 0));
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(peer, TIMEOUT_MILLIS);
                ByteBuffer out = ByteBuffer.wrap(handshake);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                log.debug("scout: handshake sent to {}", peer);
                connection.complete(channel);
            } catch (IOException | RuntimeException e) {
                log.debug("scout: {}: {}", peer, e.toString());
                closeQuietly(channel);
                connection.complete(null);
            }
            if (closed && unclaimed.remove(peer, connection)) {
                closeQuietly(connection.join());
            }
        });
    }

    /**
     * The open connection to {@code peer}, its handshake already sent, if the scout has one for
     * this torrent; waits for a connect still under way. The caller owns the channel.
     */
    SocketChannel claim(TorrentId torrentId, InetSocketAddress peer) {
        if (!torrentId.equals(torrent)) {
            return null;
        }
        CompletableFuture<SocketChannel> connection = unclaimed.remove(peer);
        if (connection == null) {
            return null;
        }
        SocketChannel channel;
        try {
            channel = connection.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.thenAccept(PeerScout::closeQuietly);
            return null;
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            connection.thenAccept(PeerScout::closeQuietly);
            return null;
        }
        if (channel != null) {
            handshakeSent.add(peer);
            adopted.incrementAndGet();
        }
        return channel;
    }

    /**
     * bt could not take over the connection to {@code peer} (it closed before bt sent anything):
     * the next connection bt dials there gets bt's own handshake, or it would wait for a reply
     * to a handshake never sent.
     */
    void adoptionFailed(InetSocketAddress peer) {
        handshakeSent.remove(peer);
    }

    /**
     * Called with the handshake bt is about to send on a connection: true (and bt must not send
     * it) when the scout already sent this very handshake there.
     *
     * @throws IOException when the scout sent a different one: the connection is unusable
     */
    boolean alreadySent(InetSocketAddress peer, Handshake bts) throws IOException {
        if (!handshakeSent.remove(peer)) {
            return false;
        }
        if (!Arrays.equals(encode(bts), handshake)) {
            throw new IOException("the scout sent another handshake to " + peer);
        }
        return true;
    }

    /**
     * The reply to the scout's announce to {@code trackerUrl} for this torrent, handed out once: it
     * stands for bt's own first announce there (same peer id and port). Waits for an announce still
     * under way; empty when the scout did not announce there or the announce failed.
     */
    Optional<Announce.Reply> firstAnnounce(TorrentId torrentId, String trackerUrl) {
        CompletableFuture<Announce.Reply> announced = torrentId.equals(torrent) ? announces.remove(trackerUrl) : null;
        try {
            return announced == null ? Optional.empty()
                    : Optional.ofNullable(announced.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** The peers the scout is meeting for this torrent, for bt to dial (and adopt) before its own announce returns. */
    List<InetSocketAddress> peers(TorrentId torrentId) {
        return torrentId.equals(torrent) ? new ArrayList<>(unclaimed.keySet()) : List.of();
    }

    /** Connections bt took over. */
    int adopted() {
        return adopted.get();
    }

    private void closeUnclaimed() {
        closed = true;
        for (InetSocketAddress peer : new ArrayList<>(unclaimed.keySet())) {
            CompletableFuture<SocketChannel> connection = unclaimed.remove(peer);
            if (connection != null) {
                connection.thenAccept(PeerScout::closeQuietly);
            }
        }
    }

    @Override
    public void close() {
        closeUnclaimed();
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was sent over it that matters
            }
        }
    }
}
