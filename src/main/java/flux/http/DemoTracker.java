package flux.http;

import io.undertow.Undertow;
import io.undertow.util.Headers;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The smallest HTTP tracker (BEP 3 with BEP 23 compact peers) for `flux demo`: it knows one peer,
 * the demo's seeder, and hands it to whoever announces. With it the demo takes a real magnet's
 * path (announce, peers, handshake, metadata) rather than a peer address inside the link; and the
 * class-data-sharing archive, which the build makes by running the demo, then holds the HTTP
 * tracker client that every real stream starts with (~0.1 s less to the first announce).
 */
public final class DemoTracker implements AutoCloseable {
    private final Undertow server;
    private final String announceUrl;

    private DemoTracker(Undertow server, String announceUrl) {
        this.server = server;
        this.announceUrl = announceUrl;
    }

    /** Listens on 127.0.0.1 (a free port); every announce is answered with {@code peer}. */
    public static DemoTracker start(InetSocketAddress peer) {
        if (!(peer.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("compact peers are IPv4: " + peer);
        }
        byte[] response = announceResponse(peer);
        Undertow server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(1)
                .setHandler(exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send(ByteBuffer.wrap(response));
                })
                .build();
        server.start();
        return new DemoTracker(server, "http://127.0.0.1:" + StreamServer.listeningPort(server) + "/announce");
    }

    public String announceUrl() {
        return announceUrl;
    }

    /** {@code d8:intervali60e5:peers6:<4 address bytes><2 port bytes>e}: keys in bencode's sorted order. */
    static byte[] announceResponse(InetSocketAddress peer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("d8:intervali60e5:peers6:".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(peer.getAddress().getAddress());
        out.write(peer.getPort() >> 8);
        out.write(peer.getPort() & 0xff);
        out.write('e');
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop();
    }
}
