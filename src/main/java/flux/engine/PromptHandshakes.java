package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionHandler;
import bt.net.IConnectionHandlerFactory;
import bt.net.Peer;
import bt.net.PeerConnection;
import bt.protocol.Handshake;
import bt.protocol.Message;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * bt waits for a peer's handshake by sleeping 100 ms between looks at the socket (nothing wakes
 * it when bytes arrive), so every handshake, and with it the metadata of a magnet, came 50 ms late
 * on average (a trace showed the reply read 68 ms after it arrived). bt's handshake logic is kept;
 * only the wait between looks is shortened, for the few seconds a handshake lasts.
 */
final class PromptHandshakes implements IConnectionHandlerFactory {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final IConnectionHandlerFactory delegate;
    private final PeerScout scout;
    private final PeerClients clients;

    PromptHandshakes(IConnectionHandlerFactory delegate, PeerScout scout, PeerClients clients) {
        this.delegate = delegate;
        this.scout = scout;
        this.clients = clients;
    }

    @Override
    public ConnectionHandler getIncomingHandler() {
        return prompt(delegate.getIncomingHandler(), PeerScout.NONE, clients);
    }

    @Override
    public ConnectionHandler getOutgoingHandler(TorrentId torrentId) {
        return prompt(delegate.getOutgoingHandler(torrentId), scout, clients);
    }

    private static ConnectionHandler prompt(ConnectionHandler handler, PeerScout scout, PeerClients clients) {
        return connection -> handler.handleConnection(new PromptReads(connection, scout, clients));
    }

    /**
     * The connection as the handshake sees it: reads wait in short steps, a handshake the scout
     * already sent on it is not sent twice, and the peer's handshake says which client it runs;
     * all else is the connection's.
     */
    private record PromptReads(PeerConnection connection, PeerScout scout, PeerClients clients) implements PeerConnection {
        @Override
        public Message readMessage(long timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (true) {
                Message message = connection.readMessageNow();
                if (message instanceof Handshake handshake) {
                    clients.handshake(remote(), handshake.getPeerId());
                }
                long left = deadline - System.nanoTime();
                if (message != null || left <= 0 || connection.isClosed()) {
                    return message;
                }
                LockSupport.parkNanos(Math.min(left, POLL_NANOS));
            }
        }

        private InetSocketAddress remote() {
            return new InetSocketAddress(connection.getRemotePeer().getInetAddress(), connection.getRemotePort());
        }

        @Override
        public Message readMessageNow() throws IOException {
            return connection.readMessageNow();
        }

        @Override
        public Peer getRemotePeer() {
            return connection.getRemotePeer();
        }

        @Override
        public int getRemotePort() {
            return connection.getRemotePort();
        }

        @Override
        public TorrentId setTorrentId(TorrentId torrentId) {
            return connection.setTorrentId(torrentId);
        }

        @Override
        public TorrentId getTorrentId() {
            return connection.getTorrentId();
        }

        @Override
        public void postMessage(Message message) throws IOException {
            if (message instanceof Handshake handshake && scout.alreadySent(remote(), handshake)) {
                return;
            }
            connection.postMessage(message);
        }

        @Override
        public long getLastActive() {
            return connection.getLastActive();
        }

        @Override
        public void closeQuietly() {
            connection.closeQuietly();
        }

        @Override
        public boolean isClosed() {
            return connection.isClosed();
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }
}
