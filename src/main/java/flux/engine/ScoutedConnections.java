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

    private final PeerConnectionFactory bt;
    private final PeerScout scout;

    ScoutedConnections(PeerConnectionFactory bt, PeerScout scout) {
        this.bt = bt;
        this.scout = scout;
    }

    @Override
    public ConnectionResult createOutgoingConnection(Peer peer, TorrentId torrentId) {
        SocketChannel channel = ON_CHANNEL == null ? null
                : scout.claim(torrentId, new InetSocketAddress(peer.getInetAddress(), peer.getPort()));
        if (channel != null) {
            ConnectionResult adopted = adopt(peer, torrentId, channel);
            if (adopted.isSuccess()) {
                log.debug("adopted the scout's connection to {}", peer);
                return adopted;
            }
            log.debug("the scout's connection to {} failed ({}); dialling again", peer, adopted.getMessage().orElse("?"));
        }
        return bt.createOutgoingConnection(peer, torrentId);
    }

    @Override
    public ConnectionResult createIncomingConnection(Peer peer, SocketChannel channel) {
        return bt.createIncomingConnection(peer, channel);
    }

    private ConnectionResult adopt(Peer peer, TorrentId torrentId, SocketChannel channel) {
        try {
            return (ConnectionResult) ON_CHANNEL.invoke(bt, peer, torrentId, channel, false);
        } catch (IllegalAccessException | InvocationTargetException e) {
            try {
                channel.close();
            } catch (java.io.IOException ignored) {
                // it failed anyway
            }
            return ConnectionResult.failure("adoption failed", e);
        }
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
