package flux.engine;

import bt.event.EventSource;
import bt.event.MetadataAvailableEvent;
import bt.event.PeerBitfieldUpdatedEvent;
import bt.event.PeerConnectedEvent;
import bt.event.PeerDisconnectedEvent;
import bt.event.PeerDiscoveredEvent;
import bt.event.PieceVerifiedEvent;
import bt.event.TorrentStartedEvent;
import bt.event.TorrentStoppedEvent;
import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.PeerConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The event source bt's connection factory subscribes each new connection to, so that the
 * connection's channel is read only while its torrent runs. bt 1.10 adds two listeners to its
 * event bus for every connection and never removes them, so each connection a process ever had
 * stayed reachable after it closed: its channel, pipeline and decoder, ~1.6 KB. 1000 leechers
 * that came and went kept 1000 closed channels in a `flux seed` (a JVM of 128 MiB at most, meant
 * to run for months). Here a connection's listeners are kept with the connection, and dropped once
 * it is closed; bt's bus holds one listener per torrent and event, which hands the event on.
 */
final class ConnectionSubscriptions implements EventSource {
    private final EventSource bus;
    /** The listeners bt's factory subscribed on this thread while it built the connection in hand. */
    private final ThreadLocal<List<Pending>> building = new ThreadLocal<>();
    /** Per torrent, its open connections' listeners (closed ones are dropped as they are met). */
    private final Map<TorrentId, Set<Subscribed>> torrents = new ConcurrentHashMap<>();

    ConnectionSubscriptions(EventSource bus) {
        this.bus = bus;
    }

    /**
     * Builds a connection with bt's factory, keeping the listeners it subscribes for it with it.
     * bt subscribes them on the building thread, right before it returns the connection.
     */
    ConnectionResult subscribing(Supplier<ConnectionResult> build) {
        List<Pending> pending = new ArrayList<>();
        building.set(pending);
        ConnectionResult result;
        try {
            result = build.get();
        } finally {
            building.remove();
        }
        if (result.isSuccess() && !pending.isEmpty()) {
            keep(result.getConnection(), pending);
        }
        return result;
    }

    /** How many connections' listeners are kept for the torrent: those of its open connections, and closed ones not met yet. */
    int kept(TorrentId torrent) {
        Set<Subscribed> subscribed = torrents.get(torrent);
        return subscribed == null ? 0 : subscribed.size();
    }

    private void keep(PeerConnection connection, List<Pending> pending) {
        pending.stream().map(Pending::torrent).distinct().forEach(torrent -> {
            Set<Subscribed> subscribed = torrents.computeIfAbsent(torrent, this::handOnEvents);
            subscribed.removeIf(s -> s.connection().isClosed());
            subscribed.add(new Subscribed(connection, pending.stream().filter(p -> p.torrent().equals(torrent)).toList()));
        });
    }

    /** The torrent's one listener per event on bt's bus; bt drops a torrent's listeners once it stopped, and so does this. */
    private Set<Subscribed> handOnEvents(TorrentId torrent) {
        bus.onTorrentStarted(torrent, e -> forOpen(torrent, p -> {
            if (p.started() != null) {
                p.started().accept(e);
            }
        }));
        bus.onTorrentStopped(torrent, e -> {
            forOpen(torrent, p -> {
                if (p.stopped() != null) {
                    p.stopped().accept(e);
                }
            });
            torrents.remove(torrent);
        });
        return ConcurrentHashMap.newKeySet();
    }

    /** Hands an event to the listeners of the torrent's open connections. */
    private void forOpen(TorrentId torrent, Consumer<Pending> listener) {
        Set<Subscribed> subscribed = torrents.get(torrent);
        if (subscribed == null) {
            return;
        }
        subscribed.removeIf(s -> s.connection().isClosed());
        subscribed.forEach(s -> s.listeners().forEach(listener));
    }

    @Override
    public EventSource onTorrentStarted(TorrentId torrentId, Consumer<TorrentStartedEvent> listener) {
        return keepOr(new Pending(torrentId, listener, null), () -> bus.onTorrentStarted(torrentId, listener));
    }

    @Override
    public EventSource onTorrentStopped(TorrentId torrentId, Consumer<TorrentStoppedEvent> listener) {
        return keepOr(new Pending(torrentId, null, listener), () -> bus.onTorrentStopped(torrentId, listener));
    }

    /** Keeps the listener for the connection this thread is building, or, outside a build, subscribes it on bt's bus. */
    private EventSource keepOr(Pending listener, Runnable onBus) {
        List<Pending> pending = building.get();
        if (pending == null) {
            onBus.run();
        } else {
            pending.add(listener);
        }
        return this;
    }

    @Override
    public EventSource onPeerDiscovered(TorrentId torrentId, Consumer<PeerDiscoveredEvent> listener) {
        bus.onPeerDiscovered(torrentId, listener);
        return this;
    }

    @Override
    public EventSource onPeerConnected(TorrentId torrentId, Consumer<PeerConnectedEvent> listener) {
        bus.onPeerConnected(torrentId, listener);
        return this;
    }

    @Override
    public EventSource onPeerDisconnected(TorrentId torrentId, Consumer<PeerDisconnectedEvent> listener) {
        bus.onPeerDisconnected(torrentId, listener);
        return this;
    }

    @Override
    public EventSource onPeerBitfieldUpdated(TorrentId torrentId, Consumer<PeerBitfieldUpdatedEvent> listener) {
        bus.onPeerBitfieldUpdated(torrentId, listener);
        return this;
    }

    @Override
    public EventSource onMetadataAvailable(TorrentId torrentId, Consumer<MetadataAvailableEvent> listener) {
        bus.onMetadataAvailable(torrentId, listener);
        return this;
    }

    @Override
    public EventSource onPieceVerified(TorrentId torrentId, Consumer<PieceVerifiedEvent> listener) {
        bus.onPieceVerified(torrentId, listener);
        return this;
    }

    /** One listener bt subscribed while building a connection: for a start, or for a stop. */
    private record Pending(TorrentId torrent, Consumer<TorrentStartedEvent> started, Consumer<TorrentStoppedEvent> stopped) {
    }

    /** A connection's listeners for one torrent. */
    private record Subscribed(PeerConnection connection, List<Pending> listeners) {
    }
}
