package flux.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A web seed's redirects, against the JDK's HTTP server on loopback: followed, remembered, bounded. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSeedRedirectTest {
    private static final byte[] FILE = new byte[4096];

    static {
        for (int i = 0; i < FILE.length; i++) {
            FILE[i] = (byte) (i * 31);
        }
    }

    private HttpServer server;
    private String base;
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    /** Where /old/file sends, and whether /new/file answers. */
    private final AtomicReference<String> location = new AtomicReference<>("/new/file");
    private volatile boolean newAnswers = true;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        asked.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        switch (path) {
            case "/old/file" -> redirect(exchange, 302, location.get());
            case "/loop" -> redirect(exchange, 307, "/loop");
            case "/ftp" -> redirect(exchange, 301, "ftp://127.0.0.1/file");
            case "/new/file" -> {
                if (!newAnswers) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                String[] range = exchange.getRequestHeaders().getFirst("Range").substring("bytes=".length()).split("-");
                int from = Integer.parseInt(range[0]);
                int to = Integer.parseInt(range[1]);
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + FILE.length);
                exchange.sendResponseHeaders(206, to - from + 1);
                exchange.getResponseBody().write(FILE, from, to - from + 1);
                exchange.close();
            }
            default -> {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            }
        }
    }

    private static void redirect(HttpExchange exchange, int status, String to) throws IOException {
        exchange.getResponseHeaders().add("Location", to);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private byte[] get(WebSeed seed, String path, int offset, int length) throws IOException {
        try (InputStream in = seed.get(new WebSeed.Part(URI.create(base + path), offset, length))) {
            return in.readAllBytes();
        }
    }

    private int asked(String path) {
        return asked.getOrDefault(path, new AtomicInteger()).get();
    }

    @Test
    void aRedirectIsFollowedWithItsRangeAndRememberedForTheFile() throws Exception {
        WebSeed seed = WebSeed.of(base + "/old/file");
        assertArrayEquals(Arrays.copyOfRange(FILE, 0, 1000), get(seed, "/old/file", 0, 1000));
        assertArrayEquals(Arrays.copyOfRange(FILE, 1000, 3000), get(seed, "/old/file", 1000, 2000));
        assertArrayEquals(Arrays.copyOfRange(FILE, 3000, 4096), get(seed, "/old/file", 3000, 1096));
        assertEquals(1, asked("/old/file"), "asked once, then where it was sent");
        assertEquals(3, asked("/new/file"));
    }

    @Test
    void whereItWasSentFailsTheTorrentsUrlIsAskedAgain() throws Exception {
        WebSeed seed = WebSeed.of(base + "/old/file");
        get(seed, "/old/file", 0, 10);
        newAnswers = false;
        IOException failed = assertThrows(IOException.class, () -> get(seed, "/old/file", 10, 10));
        assertTrue(failed.getMessage().contains("HTTP 404"), failed.getMessage());
        newAnswers = true;
        assertArrayEquals(Arrays.copyOfRange(FILE, 20, 30), get(seed, "/old/file", 20, 10));
        assertEquals(2, asked("/old/file"), "the torrent's URL again after the failure");
    }

    @Test
    void aLoopOrAnotherProtocolIsNotFollowed() {
        WebSeed seed = WebSeed.of(base + "/loop");
        IOException loop = assertThrows(IOException.class, () -> get(seed, "/loop", 0, 10));
        assertTrue(loop.getMessage().contains("too many redirects"), loop.getMessage());
        assertEquals(6, asked("/loop"), "the first ask and 5 redirects");
        IOException ftp = assertThrows(IOException.class, () -> get(seed, "/ftp", 0, 10));
        assertTrue(ftp.getMessage().contains("to ftp://127.0.0.1/file: not followed"), ftp.getMessage());
    }
}
