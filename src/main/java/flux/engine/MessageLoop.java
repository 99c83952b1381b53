package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.Message;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentRegistry;
import com.google.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * bt's message loop, in place of bt's own: one thread that hands each connection's received
 * messages to bt's agents and sends what they produce. bt's sleeps 1 ms after every turn that
 * neither received nor sent anything, doubling to {@link
 * Config#getMaxMessageProcessingInterval()}, and nothing wakes it: a block read for a request, or
 * a request that arrives, waits for its next timed turn. A `flux seed` sending a 1 GiB file to a
 * `flux stream` on this machine was asleep there 0.70–0.88 s of every second of the transfer
 * (550–590 waits a second, most of them 1 ms). This loop naps {@link #NAP_NANOS} while the traffic
 * is recent ({@link #NAPS}) and only then backs off as bt's does, so an engine whose connections
 * are idle still wakes every 20 ms; one with no connection sleeps until one is added. Every engine
 * runs it. In a stream, on the loopback bench (alternating rounds), 1 MiB pieces came 1.58 -> 1.27
 * s after the first byte, with seeks 26.5 -> 22 ms (14 rounds each; 1.46 -> 1.34 s and 26 -> 22 ms
 * in 8 more); with 256 KiB pieces 16 rounds each showed no difference (1.69 / 1.67 s, seeks 15
 * ms).
 *
 * <p>Each agent sends all it has for a peer in a turn (up to {@link #MOST_MESSAGES_PER_WRITE}) in
 * one write ({@link PeerWire.OneWrite}); bt's loop sent one message per peer per turn, each in a
 * write of its own. A write to a peer on this machine wakes the peer, which took the CPU from this
 * thread: a request's write took ~110 µs here, ~22 µs of it this thread's CPU, and turns that
 * each took in one block and sent one request bounded the download. With 6–7 requests a write
 * a 1 GiB file from a libtorrent seeder on this machine came in 7.5–7.8 s instead of 13.2–13.5,
 * with 2.3 s of this thread's CPU instead of 4.0 (src/bench/HISTORY.md, session 60).
 */
final class MessageLoop implements IMessageDispatcher {
    private static final Logger log = LoggerFactory.getLogger(MessageLoop.class);
    /** A turn with nothing to do waits this long while traffic is recent. */
    static final long NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** How many empty turns in a row nap before the loop backs off (~50 ms of quiet). */
    static final int NAPS = 500;
    private static final long FIRST_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How long the loop sleeps while no connection is there (a new one wakes it). */
    private static final long IDLE_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Most messages an agent sends a peer in one turn, in one write. */
    static final int MOST_MESSAGES_PER_WRITE = 16;

    /** Per torrent and connection: where its received messages go (bt's agents), and where its messages to send come from. */
    private final Map<TorrentId, Map<ConnectionKey, Agents<Consumer<Message>>>> receivers = new ConcurrentHashMap<>();
    private final Map<TorrentId, Map<ConnectionKey, Agents<Supplier<Message>>>> senders = new ConcurrentHashMap<>();
    private final IPeerConnectionPool pool;
    private final TorrentRegistry registry;
    private final StaleDisconnects staleDisconnects;
    private final long longestSleepNanos;
    private final Thread thread;
    private volatile boolean stopped;
    /** Only the loop's thread reads and writes it. */
    private boolean turnFailedBefore;
    /** The messages of one agent's turn, written at once; the loop's thread's alone. */
    private final List<Message> outgoing = new ArrayList<>(MOST_MESSAGES_PER_WRITE);

    /** The loop on a thread named as bt names its own, started and stopped with bt's runtime. */
    @Inject
    MessageLoop(IRuntimeLifecycleBinder lifecycle, IPeerConnectionPool pool, TorrentRegistry registry, Config config) {
        this(lifecycle, pool, registry, config, new StaleDisconnects(PromptInterest.lackingIn(registry)));
    }

    MessageLoop(IRuntimeLifecycleBinder lifecycle, IPeerConnectionPool pool, TorrentRegistry registry, Config config,
                StaleDisconnects staleDisconnects) {
        this.pool = pool;
        this.registry = registry;
        this.staleDisconnects = staleDisconnects;
        this.longestSleepNanos = config.getMaxMessageProcessingInterval().toNanos();
        this.thread = new Thread(this::run, config.getAcceptorPort() + ".bt.net.message-dispatcher");
        thread.setDaemon(true);
        lifecycle.onStartup("Start flux's message loop", thread::start);
        lifecycle.onShutdown("Stop flux's message loop", () -> {
            stopped = true;
            thread.interrupt();
        });
    }

    /**
     * The agents bt added for one connection. bt keys a connection by its peer's address and port
     * and the torrent, so a peer dialled again gets the key of the connection before; bt adds that
     * new connection's agents once it is in the pool, and never removes agents. A new connection
     * under the same key replaces them (with bt's loop each of its messages went to bt twice,
     * through both sets), and its messages wait until its own agents are there (the old ones would
     * hand them to a peer worker bt has dropped). A closed connection's agents are dropped when a
     * turn sees it closed: kept, as bt's loop keeps them, every connection a long `flux seed` ever
     * had would be looked up on every turn. bt's late handling of the old connection's disconnect
     * can also make it forget what the new one's peer has: {@link StaleDisconnects}.
     */
    private record Agents<A>(PeerConnection connection, Set<A> all) {
    }

    @Override
    public void addMessageConsumer(ConnectionKey key, Consumer<Message> consumer) {
        PeerConnection connection = pool.getConnection(key);
        add(receivers, key, connection, consumer, replacing -> {
            if (connection != null) {
                staleDisconnects.opened(key, connection, replacing);
            }
        });
    }

    @Override
    public void addMessageSupplier(ConnectionKey key, Supplier<Message> supplier) {
        add(senders, key, pool.getConnection(key), supplier, replacing -> { });
    }

    /**
     * Adds an agent so that the loop never sees the connection without one: the peer's first
     * messages (its bitfield, its extended handshake) are often waiting already, and a loop that
     * read them into an empty set of agents lost them. That stalled 5 of 693 `flux demo` runs on
     * busy cores: the stream never learnt that the seed serves metadata. {@code newConnection} is
     * told, before then, when these are the first agents of the connection, and whether they
     * replace another connection's.
     */
    private <A> void add(Map<TorrentId, Map<ConnectionKey, Agents<A>>> agents, ConnectionKey key, PeerConnection connection, A agent,
                         Consumer<Boolean> newConnection) {
        agents.computeIfAbsent(key.getTorrentId(), t -> new ConcurrentHashMap<>())
                .compute(key, (k, known) -> {
                    if (known != null && known.connection() == connection) {
                        known.all().add(agent);
                        return known;
                    }
                    newConnection.accept(known != null);
                    Agents<A> those = new Agents<>(connection, ConcurrentHashMap.newKeySet());
                    those.all().add(agent);
                    return those; // published when compute returns, with the agent in it
                });
        LockSupport.unpark(thread); // a loop with no connection sleeps long (pause)
    }

    private void run() {
        int emptyTurns = 0;
        while (!stopped) {
            if (safeTurn()) {
                emptyTurns = 0;
            } else if (!pause(emptyTurns++)) {
                return;
            }
        }
    }

    /**
     * A turn that cannot end the loop: a fault there would leave every connection of the engine
     * unserved. The first fault is a warning, later ones debug lines: a fault that repeats would
     * otherwise write thousands of lines a second.
     */
    private boolean safeTurn() {
        try {
            return turn();
        } catch (RuntimeException e) {
            if (turnFailedBefore) {
                log.debug("flux's message loop: a turn failed again", e);
            } else {
                turnFailedBefore = true;
                log.warn("flux's message loop: a turn failed ({}); going on", e.toString(), e);
            }
            return false;
        }
    }

    /** One turn over every active torrent's connections: all they received, then a message from each agent to send. True if anything moved. */
    boolean turn() {
        boolean moved = false;
        for (Map.Entry<TorrentId, Map<ConnectionKey, Agents<Consumer<Message>>>> torrent : receivers.entrySet()) {
            if (registry.isSupportedAndActive(torrent.getKey())) {
                moved |= receive(torrent.getValue());
            }
        }
        for (Map.Entry<TorrentId, Map<ConnectionKey, Agents<Supplier<Message>>>> torrent : senders.entrySet()) {
            if (registry.isSupportedAndActive(torrent.getKey())) {
                moved |= send(torrent.getValue());
            }
        }
        return moved;
    }

    private boolean receive(Map<ConnectionKey, Agents<Consumer<Message>>> peers) {
        boolean moved = false;
        for (Map.Entry<ConnectionKey, Agents<Consumer<Message>>> peer : peers.entrySet()) {
            PeerConnection connection = open(peers, peer.getKey(), peer.getValue());
            for (Message message; connection != null && (message = read(connection, peer.getKey())) != null; ) {
                moved = true;
                if (log.isTraceEnabled()) {
                    log.trace("{} -> {}", peer.getKey(), message);
                }
                staleDisconnects.received(peer.getKey(), connection, message);
                deliver(peer.getKey(), peer.getValue(), message);
            }
        }
        return moved;
    }

    private static void deliver(ConnectionKey key, Agents<Consumer<Message>> agents, Message message) {
        for (Consumer<Message> consumer : agents.all()) {
            try {
                consumer.accept(message);
            } catch (RuntimeException e) {
                log.debug("{}: an agent failed on {}", key.getPeer(), message, e);
            }
        }
    }

    private boolean send(Map<ConnectionKey, Agents<Supplier<Message>>> peers) {
        boolean moved = false;
        for (Map.Entry<ConnectionKey, Agents<Supplier<Message>>> peer : peers.entrySet()) {
            PeerConnection connection = open(peers, peer.getKey(), peer.getValue());
            if (connection == null) {
                continue;
            }
            for (Supplier<Message> supplier : peer.getValue().all()) {
                outgoing.clear();
                Message message;
                for (int made = 0; made < MOST_MESSAGES_PER_WRITE && (message = next(peer.getKey(), supplier)) != null; made++) {
                    moved = true;
                    if (retold(peer.getKey(), connection, message)) {
                        continue;
                    }
                    if (log.isTraceEnabled()) {
                        log.trace("{} <- {}", peer.getKey(), message);
                    }
                    outgoing.add(message);
                }
                if (outgoing.isEmpty()) {
                    continue;
                }
                try {
                    PeerWire.OneWrite.send(connection, outgoing);
                } catch (Exception e) {
                    log.debug("{}: could not send {}", peer.getKey().getPeer(), outgoing, e);
                }
            }
        }
        return moved;
    }

    /** The agent's next message to send; null if it has none, or failed making it. */
    private static Message next(ConnectionKey key, Supplier<Message> supplier) {
        try {
            return supplier.get();
        } catch (RuntimeException e) {
            log.debug("{}: an agent failed making a message", key.getPeer(), e);
            return null;
        }
    }

    /**
     * True when bt forgot what the peer of a connection under a reused key announced
     * ({@link StaleDisconnects}): its agents are told again, and {@code outgoing} is not sent.
     */
    private boolean retold(ConnectionKey key, PeerConnection connection, Message outgoing) {
        List<Message> again = staleDisconnects.retell(key, connection, outgoing);
        if (again == null) {
            return false;
        }
        Map<ConnectionKey, Agents<Consumer<Message>>> peers = receivers.get(key.getTorrentId());
        Agents<Consumer<Message>> agents = peers == null ? null : peers.get(key);
        if (agents == null || agents.connection() != connection) {
            return false;
        }
        log.debug("{}: bt forgot which pieces this peer, dialled again, has; its {} announcement(s) told again", key.getPeer(), again.size());
        again.forEach(message -> deliver(key, agents, message));
        return true;
    }

    private static Message read(PeerConnection connection, ConnectionKey key) {
        try {
            return connection.readMessageNow();
        } catch (Exception e) {
            log.debug("{}: could not read a message", key.getPeer(), e);
            return null;
        }
    }

    /**
     * The connection the agents were added for, while it is open and the pool's under their key;
     * else null, and the agents of a closed connection are dropped (never those a new connection
     * put under the key meanwhile).
     */
    private <A> PeerConnection open(Map<ConnectionKey, Agents<A>> peers, ConnectionKey key, Agents<A> agents) {
        PeerConnection connection = agents.connection();
        if (connection == null || connection.isClosed()) {
            if (peers.computeIfPresent(key, (k, current) -> current == agents ? null : current) == null && connection != null) {
                staleDisconnects.closed(key, connection);
            }
            return null;
        }
        return pool.getConnection(key) == connection ? connection : null;
    }

    /**
     * Waits after an empty turn ({@link #sleepNanos}); once backed off all the way with no
     * connection left, {@link #IDLE_SLEEP_NANOS}: there is nothing to do until one is added, which
     * wakes the loop. False once stopped.
     */
    private boolean pause(int emptyTurns) {
        long nanos = sleepNanos(emptyTurns, longestSleepNanos);
        LockSupport.parkNanos(this, nanos == longestSleepNanos && !hasConnections() ? IDLE_SLEEP_NANOS : nanos);
        return !stopped && !Thread.currentThread().isInterrupted();
    }

    private boolean hasConnections() {
        for (Map<ConnectionKey, Agents<Consumer<Message>>> peers : receivers.values()) {
            if (!peers.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** After so many empty turns in a row: {@link #NAP_NANOS} while traffic is recent, then 1 ms doubling to the longest sleep. */
    static long sleepNanos(int emptyTurns, long longestNanos) {
        if (emptyTurns < NAPS) {
            return NAP_NANOS;
        }
        return Math.min(longestNanos, FIRST_SLEEP_NANOS << Math.min(20, emptyTurns - NAPS));
    }
}
