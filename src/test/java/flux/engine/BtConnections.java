package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.net.InetPeer;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.MessageContext;

import java.lang.reflect.Constructor;
import java.net.InetAddress;

/** bt's state and message context of one connection, as bt makes them (their constructors are package-private). */
final class BtConnections {
    private BtConnections() {
    }

    static ConnectionState state() throws ReflectiveOperationException {
        Constructor<ConnectionState> state = ConnectionState.class.getDeclaredConstructor();
        state.setAccessible(true);
        return state.newInstance();
    }

    /** A fresh connection to a peer on this machine at {@code port}. */
    static MessageContext context(TorrentId torrent, int port) throws ReflectiveOperationException {
        Constructor<MessageContext> context = MessageContext.class.getDeclaredConstructor(ConnectionKey.class, ConnectionState.class);
        context.setAccessible(true);
        ConnectionKey key = new ConnectionKey(InetPeer.build(InetAddress.getLoopbackAddress(), port), port, torrent);
        return context.newInstance(key, state());
    }
}
