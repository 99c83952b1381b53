package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionResult;
import bt.net.IPeerConnectionFactory;
import bt.net.Peer;
import bt.net.PeerConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * bt's connection factory, except that an outgoing connection the {@link PeerScout} already
 * opened is adopted instead of dialled again. bt 1.10 can only build a connection on a channel
 * it opened itself (the method that takes a channel is private), so that method is called by
 * reflection; if a later bt renames it, flux dials as bt always did.
 */
final class ScoutedConnections implements IPeerConnectionFactory {
    private static final Logger log = LoggerFactory.getLogger(ScoutedConnections.class);
    private static final Method ON_CHANNEL = channelMethod();
    private static final String ADOPTION_FAILED = "adoption failed";

    private final PeerConnectionFactory bt;
    private final ConnectionSubscriptions subscriptions;
    private final PeerScout scout;
    private final StreamEncryption encryption;

    /**
     * @param subscriptions the event source {@code bt} was built with
     * @param encryption null when bt's factory could not take it (connections stay plaintext)
     */
    ScoutedConnections(PeerConnectionFactory bt, ConnectionSubscriptions subscriptions, PeerScout scout,
                       StreamEncryption encryption) {
        this.bt = bt;
        this.subscriptions = subscriptions;
        this.scout = scout;
        this.encryption = encryption;
    }

    @Override
    public ConnectionResult createOutgoingConnection(Peer peer, TorrentId torrentId) {
        InetSocketAddress address = new InetSocketAddress(peer.getInetAddress(), peer.getPort());
        SocketChannel channel = ON_CHANNEL == null ? null : scout.claim(torrentId, address);
        if (channel != null) {
            ConnectionResult adopted = adopt(peer, torrentId, channel);
            if (adopted.isSuccess()) {
                log.debug("adopted the scout's connection to {}", peer);
                return adopted;
            }
            log.debug("the scout's connection to {} failed ({}); dialling again", peer, adopted.getMessage().orElse("?"));
            scout.adoptionFailed(address);
            if (encryption != null && refusedHandshake(adopted)) {
                encryption.encryptTo(address, true); // the scout's handshake was plaintext
            }
        }
        ConnectionResult dialled = subscriptions.subscribing(() -> bt.createOutgoingConnection(peer, torrentId));
        if (encryption == null || !refusedHandshake(dialled)) {
            return dialled;
        }
        // a peer that requires encryption closes a plaintext handshake: the next try is encrypted,
        // and after an encrypted one fails, plaintext again
        boolean wasEncrypted = encryption.encryptsTo(address);
        encryption.encryptTo(address, !wasEncrypted);
        if (wasEncrypted) {
            return dialled;
        }
        log.debug("{} refused a plaintext handshake; trying it encrypted", peer);
        ConnectionResult encrypted = subscriptions.subscribing(() -> bt.createOutgoingConnection(peer, torrentId));
        if (!encrypted.isSuccess()) {
            encryption.encryptTo(address, false);
        }
        return encrypted;
    }

    @Override
    public ConnectionResult createIncomingConnection(Peer peer, SocketChannel channel) {
        return subscriptions.subscribing(() -> bt.createIncomingConnection(peer, channel));
    }

    /** The peer took the TCP connection but not the handshake ("I/O error" is bt's word for a failed connect). */
    private static boolean refusedHandshake(ConnectionResult result) {
        return !result.isSuccess() && !result.getMessage().map(m -> m.equals("I/O error") || m.equals(ADOPTION_FAILED)).orElse(false);
    }

    private ConnectionResult adopt(Peer peer, TorrentId torrentId, SocketChannel channel) {
        return subscriptions.subscribing(() -> {
            try {
                return (ConnectionResult) ON_CHANNEL.invoke(bt, peer, torrentId, channel, false);
            } catch (IllegalAccessException | InvocationTargetException e) {
                try {
                    channel.close();
                } catch (java.io.IOException ignored) {
                    // it failed anyway
                }
                return ConnectionResult.failure(ADOPTION_FAILED, e);
            }
        });
    }

    private static Method channelMethod() {
        try {
            Method m = PeerConnectionFactory.class.getDeclaredMethod("createConnection",
                    Peer.class, TorrentId.class, SocketChannel.class, boolean.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("bt's connection factory cannot take a channel; the scout is off", e);
            return null;
        }
    }
}
