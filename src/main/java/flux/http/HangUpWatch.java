package flux.http;

import flux.stream.StreamingFile;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import org.xnio.ChannelListener;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;

/**
 * Notices a player hanging up while its response waits for pieces, and closes the response's
 * reader at once. Undertow reads nothing from a connection while a request runs, and players seek
 * by opening a new connection and dropping the old one (mpv and ffmpeg once the new one answers,
 * which is why {@link FileHandler} sends a waiting range's headers at once): the abandoned reader
 * kept its piece urgent until that piece came and the write failed, so on a slow swarm each seek
 * shared the peers with the one before it (mpv's seeks during playback on four seeders of 0.5
 * MB/s: median 4.2 s, 3.2 s with this and the early headers). Here the connection's read side is
 * watched while the response runs: the end of the stream closes the reader; bytes (a pipelined
 * request) are handed back to Undertow, which reads them when this response ends. A client that
 * half-closes its side after the request (no player does; {@code nc -N} would) is taken for one
 * that hung up: a range of it that still waits for its piece ends there.
 */
final class HangUpWatch implements ChannelListener<ConduitStreamSourceChannel> {
    private final HttpServerConnection connection;
    private final StreamingFile.Reader reader;
    private boolean stopped;

    private HangUpWatch(HttpServerConnection connection, StreamingFile.Reader reader) {
        this.connection = connection;
        this.reader = reader;
    }

    /** Watches the exchange's connection until {@link #stop}; the reader is closed if the player hangs up. */
    static HangUpWatch start(HttpServerExchange exchange, StreamingFile.Reader reader) {
        if (!(exchange.getConnection() instanceof HttpServerConnection http)) {
            return new HangUpWatch(null, reader); // another protocol: nothing to watch
        }
        HangUpWatch watch = new HangUpWatch(http, reader);
        ConduitStreamSourceChannel source = http.getChannel().getSourceChannel();
        source.setReadListener(watch);
        source.resumeReads();
        return watch;
    }

    /**
     * Called before the response's last bytes are flushed: the connection's reads are Undertow's
     * again (the player's next request). Under the same lock as {@link #handleEvent}, so no bytes
     * are handed back after Undertow looked for them.
     */
    synchronized void stop() {
        if (stopped || connection == null) {
            return;
        }
        stopped = true;
        ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
        source.suspendReads();
        source.setReadListener(null);
    }

    @Override
    public synchronized void handleEvent(ConduitStreamSourceChannel source) {
        if (stopped) {
            return;
        }
        PooledByteBuffer pooled = connection.getByteBufferPool().allocate();
        boolean handedBack = false;
        try {
            int n = source.read(pooled.getBuffer());
            if (n == 0) {
                return;
            }
            stopped = true;
            source.suspendReads();
            source.setReadListener(null);
            if (n > 0) {
                pooled.getBuffer().flip();
                connection.ungetRequestBytes(pooled);
                handedBack = true;
            } else {
                reader.close();
            }
        } catch (IOException e) {
            stopped = true;
            source.suspendReads();
            reader.close();
        } finally {
            if (!handedBack) {
                pooled.close();
            }
        }
    }
}
