package flux.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Loopback addresses and ports for lab processes, so no two clients share an IP. */
public final class Net {
    private static final AtomicInteger NEXT_HOST = new AtomicInteger(20 + (int) (ProcessHandle.current().pid() % 100));
    /** Every port handed out so far in this JVM. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Net() {
    }

    /** A fresh 127.0.0.x address (Transmission remembers peers per IP: reusing one can be refused). */
    public static String freshLoopback() {
        return "127.0.0." + (NEXT_HOST.getAndIncrement() % 200 + 20);
    }

    /**
     * A port free on {@code host} now and never handed out before in this JVM. The probe's socket
     * is closed before the caller binds, so two calls in a row could name the same port: a
     * Transmission seeder once got 38567 as both its peer and its RPC port, its RPC server took
     * it, and every stream read "HTTP/1.1 400" as BitTorrent messages ("Unknown message type ID:
     * 47", the '/').
     */
    public static int freePort(String host) throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(host, 0));
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no free port on " + host + " that was not handed out before");
    }
}
