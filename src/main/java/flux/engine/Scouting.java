package flux.engine;

import bt.net.PeerId;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What an engine settles before bt exists: its listening port, its peer id and the scout that
 * already announced both. {@link Engine#start} makes one, or takes over the one made ahead of it
 * from the raw command line ({@link #ahead}) while picocli was still building its model.
 */
record Scouting(Key key, int port, PeerId peerId, PeerScout scout) {
    private static final AtomicReference<CompletableFuture<Scouting>> AHEAD = new AtomicReference<>();

    /** What a scouting depends on: an engine started with anything else cannot use it. */
    record Key(InetAddress bind, int peerPort, boolean portChosenByUser, boolean dht, TorrentInput input) {
        static Key of(EngineSettings settings, boolean portChosenByUser, TorrentInput input) {
            return new Key(settings.bindAddress(), settings.peerPort(), portChosenByUser, settings.dht(), input);
        }
    }

    static Scouting start(EngineSettings settings, Key key) {
        int port = Engine.listenPort(settings, key.portChosenByUser());
        PeerId peerId = Engine.newPeerId();
        PeerScout scout = Optional.ofNullable(key.input()).flatMap(PeerScout.Target::of)
                .map(target -> PeerScout.start(target, peerId, key.dht(), port, key.bind()))
                .orElse(PeerScout.NONE);
        return new Scouting(key, port, peerId, scout);
    }

    /** Starts a scouting on another thread; the next {@link #take} with the same key uses it. */
    static CompletableFuture<Scouting> ahead(EngineSettings settings, boolean portChosenByUser, TorrentInput input) {
        Key key = Key.of(settings, portChosenByUser, input);
        CompletableFuture<Scouting> started = CompletableFuture.supplyAsync(() -> start(settings, key));
        CompletableFuture<Scouting> previous = AHEAD.getAndSet(started);
        if (previous != null) {
            previous.thenAccept(Scouting::close);
        }
        return started;
    }

    /** The scouting made ahead for this engine if its key matches, otherwise a new one. */
    static Scouting take(EngineSettings settings, boolean portChosenByUser, TorrentInput input) {
        Key key = Key.of(settings, portChosenByUser, input);
        CompletableFuture<Scouting> ahead = AHEAD.getAndSet(null);
        if (ahead != null) {
            try {
                Scouting early = ahead.join();
                if (early.key().equals(key)) {
                    return early;
                }
                early.close();
            } catch (RuntimeException e) {
                // the early start failed (a busy port, say): the real start below says why
            }
        }
        return start(settings, key);
    }

    void close() {
        scout.close();
    }
}
