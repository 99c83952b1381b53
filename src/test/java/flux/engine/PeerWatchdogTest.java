package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.IPeerConnectionPool;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.peer.IPeerRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the watchdog re-dials, and when, given what is connected: bt's registry and pool are recorded. */
class PeerWatchdogTest {
    private static final TorrentId ID = TorrentId.fromBytes(new byte[20]);
    private static final InetSocketAddress LEECHER = new InetSocketAddress("127.0.0.2", 6881);

    private final List<String> calls = new ArrayList<>();
    private int connections;
    /** The connected peers (the first {@link #connections} of them), and those that owe flux blocks. */
    private final List<InetSocketAddress> connected = List.of(LEECHER, new InetSocketAddress("127.0.0.3", 6881));
    private final Set<InetSocketAddress> owing = new HashSet<>();

    private final IPeerRegistry registry = (IPeerRegistry) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{IPeerRegistry.class}, (proxy, method, args) -> {
                if (method.getName().equals("addPeer")) {
                    Peer peer = (Peer) args[1];
                    calls.add("add " + peer.getInetAddress().getHostAddress() + ":" + peer.getPort());
                } else if (method.getName().equals("triggerPeerCollection")) {
                    calls.add("ask trackers");
                }
                return null;
            });

    @SuppressWarnings("unchecked")
    private final IPeerConnectionPool pool = (IPeerConnectionPool) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{IPeerConnectionPool.class}, (proxy, method, args) -> {
                if (method.getName().equals("visitConnections")) {
                    for (int i = 0; i < connections; i++) {
                        ((Consumer<PeerConnection>) args[1]).accept(connection(connected.get(i)));
                    }
                }
                return null;
            });

    private final PeerWatchdog watchdog = new PeerWatchdog(registry, pool, Duration.ofSeconds(30),
            key -> owing.contains(new InetSocketAddress(key.getPeer().getInetAddress(), key.getRemotePort())));

    /** A connection to {@code peer} whose close is recorded. */
    private PeerConnection connection(InetSocketAddress peer) {
        return (PeerConnection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{PeerConnection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemotePeer" -> InetPeer.build(peer.getAddress(), peer.getPort());
                    case "getRemotePort" -> peer.getPort();
                    case "closeQuietly" -> {
                        calls.add("close " + peer.getAddress().getHostAddress() + ":" + peer.getPort());
                        yield null;
                    }
                    default -> null;
                });
    }
    private long start;

    private void watch(boolean wantsData) {
        watchdog.watch(new TorrentSession(ID, null, null, null, () -> TrackerReplies.Tally.NONE), () -> wantsData);
        watchdog.peerSeen(ID, LEECHER);
        start = System.currentTimeMillis(); // not before the watchdog's own clock started
    }

    /** Ticks once a second for {@code seconds}; returns at which seconds something was re-added. */
    private List<Integer> tickFor(int seconds) {
        List<Integer> redials = new ArrayList<>();
        for (int s = 1; s <= seconds; s++) {
            int before = calls.size();
            watchdog.tick(start + s * 1000L);
            if (calls.size() > before) {
                redials.add(s);
            }
        }
        return redials;
    }

    @Test
    void aSeederWithNoPeerConnectedDialsTheLeechersItKnowsAgainAFewTimesWithoutAskingTheTrackers() {
        watch(false);

        assertEquals(List.of(3, 5, 9, 17, 33), tickFor(180));
        assertEquals(List.of("add 127.0.0.2:6881"), calls.stream().distinct().toList());
    }

    @Test
    void aSeederWithAPeerConnectedDialsNobody() {
        watch(false);
        connections = 1;

        assertEquals(List.of(), tickFor(60));
    }

    @Test
    void aSeederThatLostItsLastPeerDialsItsLeechersAgain() {
        watch(false);
        connections = 1;
        tickFor(10);
        connections = 0;

        assertEquals(List.of(12, 14, 18, 26, 42), tickFor(180).stream().filter(s -> s > 10).toList());
    }

    @Test
    void aSeederThatHasGivenUpTriesAgainWhenTheTrackerNamesANewPeer() {
        watch(false);
        tickFor(120);
        calls.clear();

        watchdog.peerSeen(ID, new InetSocketAddress("127.0.0.3", 6881));
        watchdog.tick(start + 121_000);

        assertEquals(List.of("add 127.0.0.2:6881", "add 127.0.0.3:6881"), calls.stream().sorted().toList());
    }

    @Test
    void aSeederDialsOnlyTheMostRecentlySeenPeersAgain() {
        watch(false);
        int seen = 3 * PeerWatchdog.KNOWN_PEERS_KEPT;
        for (int i = 0; i < seen; i++) {
            watchdog.peerSeen(ID, new InetSocketAddress("127.0." + (i / 250) + "." + (i % 250 + 1), 7000));
        }
        watchdog.peerSeen(ID, LEECHER); // seen again: among the most recent

        watchdog.tick(start + 3_000);

        Set<String> expected = new HashSet<>();
        for (int i = seen - PeerWatchdog.KNOWN_PEERS_KEPT + 1; i < seen; i++) {
            expected.add("add 127.0." + (i / 250) + "." + (i % 250 + 1) + ":7000");
        }
        expected.add("add 127.0.0.2:6881");
        assertEquals(expected, new HashSet<>(calls));
        assertEquals(PeerWatchdog.KNOWN_PEERS_KEPT, calls.size());
    }

    @Test
    void aLeecherWithNoPeerConnectedDialsAgainAndAsksTheTrackersForMore() {
        watch(true);

        List<Integer> redials = tickFor(180);

        assertEquals(List.of(3, 5, 9, 17, 33, 65, 125), redials);
        assertEquals(List.of("add 127.0.0.2:6881", "ask trackers"), calls.subList(0, 2));
    }

    @Test
    void aStalledLeecherReconnectsThePeersThatOweItBlocksAndLeavesThoseThatChokeIt() {
        watch(true);
        connections = 2;
        owing.add(LEECHER); // 127.0.0.3 chokes flux

        // its first tick sees the byte count (0) for the first time: no data for 30 s after that is a stall
        assertEquals(List.of(32), tickFor(40));
        assertEquals(List.of("close 127.0.0.2:6881", "add 127.0.0.2:6881", "ask trackers"), calls);
    }
}
