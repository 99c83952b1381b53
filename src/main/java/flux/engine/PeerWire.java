package flux.engine;

import bt.net.ConnectionKey;
import bt.net.IPeerConnectionPool;
import bt.net.PeerConnection;
import bt.net.SocketPeerConnection;
import bt.net.pipeline.ChannelHandler;
import bt.net.pipeline.ChannelHandlerContext;
import bt.net.pipeline.ChannelPipeline;
import bt.net.pipeline.SocketChannelHandler;
import bt.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
                OneWrite.send(connection, messages);
                return true;
            } catch (IOException | RuntimeException e) {
                connection.closeQuietly();
                return false;
            }
        };
    }

    /**
     * Messages for one peer in one write to its socket. bt writes every message on its own
     * (encodes it, then writes what its buffer holds), and the sockets have TCP_NODELAY: a sought
     * 1 MiB piece's 64 requests went out as 64 writes and 64 packets, each write a system call
     * that on this machine also ran the seeder's side of the loopback and could hand it the CPU.
     * Here all but the last are encoded into the connection's outgoing buffer through bt's own
     * pipeline (encryption included), and bt's send of the last writes them all. Where bt's
     * classes are not as in 1.10, each message is sent as bt sends it.
     */
    final class OneWrite {
        private static final Logger log = LoggerFactory.getLogger(OneWrite.class);
        private static final VarHandle HANDLER = field(SocketPeerConnection.class, "handler", ChannelHandler.class);
        private static final VarHandle CONTEXT = field(SocketChannelHandler.class, "context", ChannelHandlerContext.class);

        private OneWrite() {
        }

        static void send(PeerConnection connection, List<Message> messages) throws IOException {
            ChannelPipeline pipeline = messages.size() > 1 ? pipeline(connection) : null;
            if (pipeline == null) {
                for (Message m : messages) {
                    connection.postMessage(m);
                }
                return;
            }
            synchronized (connection) { // as bt's postMessage: no other message comes between
                int last = messages.size() - 1;
                for (int i = 0; i < last; i++) {
                    if (!pipeline.encode(messages.get(i))) { // the buffer is full: out with it, as bt does
                        connection.postMessage(messages.get(i));
                    }
                }
                connection.postMessage(messages.get(last));
            }
        }

        /** The connection's pipeline, or null where it cannot be reached. */
        private static ChannelPipeline pipeline(PeerConnection connection) {
            if (HANDLER == null || CONTEXT == null || !(connection instanceof SocketPeerConnection)) {
                return null;
            }
            Object handler = HANDLER.get(connection);
            if (!(handler instanceof SocketChannelHandler)) {
                return null;
            }
            ChannelHandlerContext context = (ChannelHandlerContext) CONTEXT.get(handler);
            return context == null ? null : context.pipeline();
        }

        private static VarHandle field(Class<?> owner, String name, Class<?> type) {
            try {
                return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("bt's {}.{} is not as in bt 1.10: each message to a peer is written on its own", owner.getSimpleName(), name, e);
                return null;
            }
        }
    }
}
