package flux.engine;

import bt.event.EventBus;
import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.PeerConnection;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectionSubscriptionsTest {
    private static final TorrentId TORRENT = TorrentId.fromBytes(new byte[20]);

    private final EventBus bus = new EventBus();
    private final ConnectionSubscriptions subscriptions = new ConnectionSubscriptions(bus);
    /** What the connections' listeners heard, as "name started" / "name stopped". */
    private final List<String> heard = new ArrayList<>();

    /** A connection as bt's factory builds it: subscribed to its torrent's start and stop on the building thread. */
    private ConnectionResult build(String name, AtomicBoolean closed, boolean handshakeSucceeds) {
        PeerConnection connection = (PeerConnection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{PeerConnection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isClosed" -> closed.get();
                    case "toString" -> name;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return subscriptions.subscribing(() -> {
            if (!handshakeSucceeds) {
                return ConnectionResult.failure("Handshake failed");
            }
            subscriptions.onTorrentStarted(TORRENT, e -> heard.add(name + " started"));
            subscriptions.onTorrentStopped(TORRENT, e -> heard.add(name + " stopped"));
            return ConnectionResult.success(connection);
        });
    }

    @Test
    void aClosedConnectionHearsNothingMoreAndIsNotKept() {
        AtomicBoolean aClosed = new AtomicBoolean();
        build("a", aClosed, true);
        build("b", new AtomicBoolean(), true);
        assertEquals(2, subscriptions.kept(TORRENT));

        aClosed.set(true);
        bus.fireTorrentStarted(TORRENT);
        assertEquals(List.of("b started"), heard);
        assertEquals(1, subscriptions.kept(TORRENT), "a's listeners are dropped once it is met closed");
    }

    @Test
    void aStoppedTorrentsListenersAreDroppedAsBtDropsThem() {
        build("a", new AtomicBoolean(), true);
        bus.fireTorrentStopped(TORRENT);
        assertEquals(List.of("a stopped"), heard);
        assertEquals(0, subscriptions.kept(TORRENT));

        build("b", new AtomicBoolean(), true); // the torrent started again: b subscribes anew
        bus.fireTorrentStarted(TORRENT);
        assertEquals(List.of("a stopped", "b started"), heard);
    }

    @Test
    void aConnectionWhoseHandshakeFailedKeepsNothing() {
        build("a", new AtomicBoolean(), false);
        assertEquals(0, subscriptions.kept(TORRENT));
    }

    @Test
    void aClosedConnectionIsDroppedWhenTheNextOneIsKept() {
        AtomicBoolean aClosed = new AtomicBoolean();
        build("a", aClosed, true);
        aClosed.set(true);
        build("b", new AtomicBoolean(), true);
        assertEquals(1, subscriptions.kept(TORRENT), "a long-running seed's torrent never starts again: closes are met here");
    }

    @Test
    void aListenerAddedOutsideAConnectionsBuildGoesToTheBus() {
        subscriptions.onTorrentStarted(TORRENT, e -> heard.add("other started"));
        bus.fireTorrentStarted(TORRENT);
        assertEquals(List.of("other started"), heard);
        assertEquals(0, subscriptions.kept(TORRENT));
    }
}
