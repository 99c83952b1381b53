package flux.engine;

import bt.net.ConnectionKey;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.protocol.Message;

import java.io.IOException;
import java.util.List;

/** Writes messages to a peer's socket at once, not one per turn of bt's message loop. */
interface PeerWire {
    /** False when the connection is gone. */
    boolean send(ConnectionKey peer, List<Message> messages);

    /** bt's connections as a wire: a connection that fails a write is closed. */
    static PeerWire connections(IPeerConnectionPool pool) {
        return (peer, messages) -> {
            PeerConnection connection = pool.getConnection(peer);
            if (connection == null || connection.isClosed()) {
                return false;
            }
            try {
                for (Message m : messages) {
                    connection.postMessage(m);
                }
                return true;
            } catch (IOException e) {
                connection.closeQuietly();
                return false;
            }
        };
    }
}
