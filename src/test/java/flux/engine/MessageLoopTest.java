package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.IPeerConnectionPool;
import bt.net.InetPeer;
import bt.net.PeerConnection;
import bt.protocol.Bitfield;
import bt.protocol.Have;
import bt.protocol.Interested;
import bt.protocol.KeepAlive;
import bt.protocol.Message;
import bt.protocol.NotInterested;
import bt.protocol.Request;
import bt.runtime.Config;
import bt.service.IRuntimeLifecycleBinder;
import bt.torrent.TorrentRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class MessageLoopTest {
    private static final TorrentId TORRENT = TorrentId.fromBytes(new byte[20]);
    private static final TorrentId OTHER = TorrentId.fromBytes(new byte[]{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    /** One fake connection: what it has received and not handed out yet, and what was posted to it. */
    private static final class Connection {
        final Queue<Message> received = new ConcurrentLinkedQueue<>();
        final List<Message> posted = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        /** The same object each time, as bt's pool hands out one connection object per connection. */
        final PeerConnection asBt = (PeerConnection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{PeerConnection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "readMessageNow" -> received.poll();
                    case "postMessage" -> posted.add((Message) args[0]);
                    case "isClosed" -> closed;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private final Map<ConnectionKey, Connection> connections = new ConcurrentHashMap<>();
    /** Every key the loop asked the pool for, in order. */
    private final Queue<ConnectionKey> lookedUp = new ConcurrentLinkedQueue<>();
    private final Set<TorrentId> active = new HashSet<>(Set.of(TORRENT, OTHER));
    private final List<String> lifecycle = new ArrayList<>();
    /** What bt would run at its start-up and shut-down, by the names above. */
    private final Map<String, Runnable> lifecycleSteps = new ConcurrentHashMap<>();
    private final MessageLoop loop = new MessageLoop(lifecycle(), pool(), registry(), new Config());

    @Test
    void everyAgentOfAConnectionGetsEachMessageItReceivedInOrderThenSendsWhatItHas() throws Exception {
        ConnectionKey peer = key(TORRENT, 6881);
        Connection connection = connect(peer);
        List<Message> first = new ArrayList<>();
        List<Message> second = new ArrayList<>();
        loop.addMessageConsumer(peer, first::add);
        loop.addMessageConsumer(peer, second::add);
        Queue<Message> toSend = new ArrayDeque<>(List.of(Interested.instance(), KeepAlive.instance()));
        loop.addMessageSupplier(peer, toSend::poll);
        Message have = new Have(3);
        connection.received.addAll(List.of(have, KeepAlive.instance()));

        assertTrue(loop.turn());
        assertEquals(List.of(have, KeepAlive.instance()), first);
        assertEquals(first, second);
        assertEquals(List.of(Interested.instance(), KeepAlive.instance()), connection.posted,
                "all the agent had, in one turn (bt's loop sent one message per turn)");
        assertFalse(loop.turn(), "nothing received, nothing to send: an empty turn");
    }

    @Test
    void anAgentSendsAtMostSoManyMessagesInATurnAndTheRestInTheNext() throws Exception {
        ConnectionKey peer = key(TORRENT, 6881);
        Connection connection = connect(peer);
        List<Message> requests = new ArrayList<>();
        for (int block = 0; block < MessageLoop.MOST_MESSAGES_PER_WRITE + 3; block++) {
            requests.add(new Request(1, block * 16384, 16384));
        }
        Queue<Message> toSend = new ArrayDeque<>(requests);
        loop.addMessageSupplier(peer, toSend::poll);

        assertTrue(loop.turn());
        assertEquals(requests.subList(0, MessageLoop.MOST_MESSAGES_PER_WRITE), connection.posted);
        assertTrue(loop.turn());
        assertEquals(requests, connection.posted, "the rest, in order, on the next turn");
        assertFalse(loop.turn());
    }

    @Test
    void closedConnectionsAndInactiveTorrentsAreSkippedAndAPausedTorrentsAgentsKept() throws Exception {
        ConnectionKey closedPeer = key(TORRENT, 6881);
        ConnectionKey pausedPeer = key(OTHER, 6882);
        Connection closed = connect(closedPeer);
        Connection paused = connect(pausedPeer);
        List<Message> got = new ArrayList<>();
        for (ConnectionKey peer : List.of(closedPeer, pausedPeer)) {
            loop.addMessageConsumer(peer, got::add);
            loop.addMessageSupplier(peer, oneMessage(KeepAlive.instance()));
        }
        closed.closed = true;
        closed.received.add(KeepAlive.instance());
        active.remove(OTHER);
        paused.received.add(KeepAlive.instance());

        assertFalse(loop.turn());
        assertEquals(List.of(), got);
        assertEquals(List.of(), closed.posted);
        assertEquals(List.of(), paused.posted);

        active.add(OTHER); // bt adds a connection's agents once; a torrent started again is served by them
        assertTrue(loop.turn());
        assertEquals(List.of(KeepAlive.instance()), got);
        assertEquals(List.of(KeepAlive.instance()), paused.posted);
    }

    @Test
    void anAgentThatFailsDoesNotStopTheOthers() throws Exception {
        ConnectionKey peer = key(TORRENT, 6881);
        Connection connection = connect(peer);
        List<Message> got = new ArrayList<>();
        loop.addMessageConsumer(peer, m -> {
            throw new IllegalStateException("an agent's bug");
        });
        loop.addMessageConsumer(peer, got::add);
        loop.addMessageSupplier(peer, () -> {
            throw new IllegalStateException("an agent's bug");
        });
        loop.addMessageSupplier(peer, oneMessage(Interested.instance()));
        connection.received.add(KeepAlive.instance());

        assertTrue(loop.turn());
        assertEquals(List.of(KeepAlive.instance()), got);
        assertEquals(List.of(Interested.instance()), connection.posted);
    }

    @Test
    void aClosedConnectionsAgentsAreDroppedSoLaterTurnsNeverLookItUp() throws Exception {
        ConnectionKey gone = key(TORRENT, 6881);
        ConnectionKey live = key(TORRENT, 6882);
        Connection closing = connect(gone);
        connect(live);
        for (ConnectionKey peer : List.of(gone, live)) {
            loop.addMessageConsumer(peer, m -> { });
            loop.addMessageSupplier(peer, () -> null);
        }
        closing.closed = true;
        loop.turn();
        lookedUp.clear();

        loop.turn();
        assertEquals(List.of(live, live), List.copyOf(lookedUp), "one lookup to read, one to send, for the open connection only");

        Connection again = connect(gone); // the peer dialled again: its own agents serve it
        List<Message> got = new ArrayList<>();
        loop.addMessageConsumer(gone, got::add);
        again.received.add(KeepAlive.instance());
        assertTrue(loop.turn());
        assertEquals(List.of(KeepAlive.instance()), got);
    }

    @Test
    void aPeerDialledAgainUnderTheSameKeyIsServedOnceAndOnlyByItsNewAgents() throws Exception {
        ConnectionKey peer = key(TORRENT, 6881);
        Connection first = connect(peer);
        List<Message> old = new ArrayList<>();
        loop.addMessageConsumer(peer, old::add);
        loop.addMessageSupplier(peer, oneMessage(KeepAlive.instance()));
        first.closed = true;
        Connection again = connect(peer); // bt's pool: the same key, a new connection
        Message have = new Have(1);
        again.received.add(have);

        assertFalse(loop.turn(), "its messages wait for its own agents: the old ones would go to a dropped peer worker");
        assertEquals(List.of(), old);
        assertEquals(1, again.received.size());
        assertEquals(List.of(), again.posted);

        List<Message> renewed = new ArrayList<>();
        loop.addMessageConsumer(peer, renewed::add);
        loop.addMessageSupplier(peer, oneMessage(Interested.instance()));
        assertTrue(loop.turn());
        assertEquals(List.of(have), renewed);
        assertEquals(List.of(), old, "each message once, not once per connection the key ever had");
        assertEquals(List.of(Interested.instance()), again.posted);
        assertEquals(List.of(), first.posted);
    }

    /**
     * bt handles a closed connection's disconnect at its next assignment round and then drops the
     * peer's pieces under the key, those the new connection announced included: it says "not
     * interested" to a peer that has what flux lacks. That is held back, and bt's agents get the
     * announcements again ({@link StaleDisconnects}).
     */
    @Test
    void aPeerDialledAgainIsToldAgainWhatItHasWhenBtForgotItInsteadOfHearingNotInterested() throws Exception {
        MessageLoop loop = new MessageLoop(lifecycle(), pool(), registry(), new Config(),
                new StaleDisconnects(torrent -> piece -> piece == 0)); // flux lacks piece 0 only
        ConnectionKey peer = key(TORRENT, 6881);
        Connection first = connect(peer);
        loop.addMessageConsumer(peer, m -> { });
        loop.addMessageSupplier(peer, () -> null);
        first.closed = true;
        loop.turn(); // drops the closed connection's agents

        Connection again = connect(peer);
        List<Message> told = new ArrayList<>();
        loop.addMessageConsumer(peer, told::add);
        Queue<Message> bt = new ArrayDeque<>();
        loop.addMessageSupplier(peer, bt::poll);
        Message pieces = new Bitfield(new byte[]{(byte) 0xC0}); // pieces 0 and 1
        Message have = new Have(2);
        again.received.addAll(List.of(pieces, have));
        loop.turn();
        assertEquals(List.of(pieces, have), told);

        bt.add(NotInterested.instance()); // bt forgot both
        assertTrue(loop.turn());
        assertEquals(List.of(pieces, have, pieces, have), told);
        assertEquals(List.of(), again.posted, "not sent: the peer has piece 0, which flux lacks");

        told.clear();
        bt.add(NotInterested.instance());
        loop.turn();
        assertEquals(List.of(pieces, have), told, "told again each time bt forgets");
    }

    @Test
    void notInterestedIsSentAsItIsToAFirstConnectionOrAPeerWithNothingFluxLacks() throws Exception {
        MessageLoop loop = new MessageLoop(lifecycle(), pool(), registry(), new Config(),
                new StaleDisconnects(torrent -> piece -> piece == 5));
        ConnectionKey once = key(TORRENT, 6881);
        ConnectionKey redialled = key(TORRENT, 6882);
        Connection onlyConnection = connect(once);
        Connection before = connect(redialled);
        for (ConnectionKey peer : List.of(once, redialled)) {
            loop.addMessageConsumer(peer, m -> { });
            loop.addMessageSupplier(peer, () -> null);
        }
        before.closed = true;
        loop.turn();
        Connection again = connect(redialled);
        List<Message> told = new ArrayList<>();
        loop.addMessageConsumer(redialled, told::add);
        loop.addMessageSupplier(redialled, oneMessage(NotInterested.instance()));
        loop.addMessageSupplier(once, oneMessage(NotInterested.instance()));
        Message pieces = new Bitfield(new byte[]{(byte) 0xC0});
        onlyConnection.received.add(pieces);
        again.received.add(pieces);

        loop.turn();
        assertEquals(List.of(NotInterested.instance()), onlyConnection.posted);
        assertEquals(List.of(NotInterested.instance()), again.posted, "bt is right: the peer has nothing flux lacks");
        assertEquals(List.of(pieces), told);
    }

    /**
     * bt adds a connection's agents while the loop runs, and the peer's first messages (its
     * bitfield, its extended handshake) are often already waiting: none may be read before an
     * agent is there to take it. A loop that did once stalled a `flux demo` on its metadata.
     */
    @Test
    void aConnectionsFirstMessagesWaitForItsAgentsWhileTheyAreBeingAdded() throws Exception {
        int peers = 20_000;
        AtomicInteger delivered = new AtomicInteger();
        Thread registrar = new Thread(() -> {
            for (int port = 1; port <= peers; port++) {
                ConnectionKey peer = key(port % 2 == 0 ? TORRENT : OTHER, port);
                connect(peer).received.add(KeepAlive.instance());
                loop.addMessageConsumer(peer, m -> delivered.incrementAndGet());
            }
        });
        registrar.start();
        while (registrar.isAlive()) {
            loop.turn();
        }
        registrar.join();
        loop.turn();

        assertEquals(peers, delivered.get(), "every message read went to an agent");
        assertTrue(connections.values().stream().allMatch(c -> c.received.isEmpty()));
    }

    @Test
    void anEmptyTurnNapsWhileTrafficIsRecentThenBacksOffAsBtsLoopDoes() {
        long longest = TimeUnit.MILLISECONDS.toNanos(20);
        assertEquals(MessageLoop.NAP_NANOS, MessageLoop.sleepNanos(0, longest),
                "a block read for a request is sent within a nap, not bt's 1 ms");
        assertEquals(MessageLoop.NAP_NANOS, MessageLoop.sleepNanos(MessageLoop.NAPS - 1, longest));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1), MessageLoop.sleepNanos(MessageLoop.NAPS, longest));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(2), MessageLoop.sleepNanos(MessageLoop.NAPS + 1, longest));
        assertEquals(longest, MessageLoop.sleepNanos(MessageLoop.NAPS + 5, longest), "an idle engine wakes every 20 ms");
        assertEquals(longest, MessageLoop.sleepNanos(Integer.MAX_VALUE, longest));
        assertTrue(MessageLoop.NAP_NANOS * MessageLoop.NAPS <= TimeUnit.MILLISECONDS.toNanos(100),
                "naps last at most a tenth of a second after the traffic stops");
    }

    @Test
    void aLoopWithNoConnectionSleepsUntilOneIsAdded() throws Exception {
        lifecycleSteps.get("Start flux's message loop").run();
        try {
            Thread.sleep(200); // the loop's first turns find no connection: it sleeps a second
            ConnectionKey peer = key(TORRENT, 6881);
            Connection connection = connect(peer);
            connection.received.add(new Have(5));
            CountDownLatch delivered = new CountDownLatch(1);
            long added = System.nanoTime();
            loop.addMessageConsumer(peer, message -> delivered.countDown());
            assertTrue(delivered.await(5, TimeUnit.SECONDS));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - added);
            assertTrue(millis < 500, "woken by the new connection, not at the end of its sleep: " + millis + " ms");
        } finally {
            lifecycleSteps.get("Stop flux's message loop").run();
        }
    }

    @Test
    void theLoopRunsFromBtsStartUpToItsShutDown() {
        assertEquals(List.of("Start flux's message loop", "Stop flux's message loop"), lifecycle);
    }

    private Connection connect(ConnectionKey key) {
        Connection connection = new Connection();
        connections.put(key, connection);
        return connection;
    }

    private static ConnectionKey key(TorrentId torrent, int port) {
        return new ConnectionKey(InetPeer.build(InetAddress.getLoopbackAddress(), port), port, torrent);
    }

    private IRuntimeLifecycleBinder lifecycle() {
        return (IRuntimeLifecycleBinder) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{IRuntimeLifecycleBinder.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("on") && args.length == 2) {
                        lifecycle.add((String) args[0]); // not run: the tests turn the loop themselves
                        lifecycleSteps.put((String) args[0], (Runnable) args[1]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** An agent with one message to send, as bt's are: they have nothing more until something happens. */
    private static Supplier<Message> oneMessage(Message message) {
        Queue<Message> toSend = new ArrayDeque<>(List.of(message));
        return toSend::poll;
    }

    private IPeerConnectionPool pool() {
        return (IPeerConnectionPool) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{IPeerConnectionPool.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && args.length == 1) {
                        lookedUp.add((ConnectionKey) args[0]);
                        Connection c = connections.get((ConnectionKey) args[0]);
                        return c == null ? null : c.asBt;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private TorrentRegistry registry() {
        return (TorrentRegistry) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{TorrentRegistry.class}, (proxy, method, args) -> {
                    if (method.getName().equals("isSupportedAndActive")) {
                        return active.contains((TorrentId) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
