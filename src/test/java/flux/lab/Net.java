package flux.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/** Loopback addresses and ports for lab processes, so no two clients share an IP. */
public final class Net {
    private static final AtomicInteger NEXT_HOST = new AtomicInteger(20 + (int) (ProcessHandle.current().pid() % 100));

    private Net() {
    }

    /** A fresh 127.0.0.x address (Transmission remembers peers per IP: reusing one can be refused). */
    public static String freshLoopback() {
        return "127.0.0." + (NEXT_HOST.getAndIncrement() % 200 + 20);
    }

    public static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        }
    }
}
