package flux.http;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;
import flux.engine.TorrentMeta;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local HTTP server players read from. Paths:
 * {@code /} an index page, {@code /playlist.m3u} the torrent's videos, {@code /status.json},
 * {@code /<infohash>/<index>/<name>} each file (the name is only for the player's title), and
 * {@code /<infohash>} the selected file, before the metadata is in too ({@link #openStreamUrl}).
 */
public final class StreamServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamServer.class);

    static {
        NoPlatformMBeans.install();
    }

    private final Undertow server;
    private final String host;
    private final int port;
    private final Router router;
    /** What every request must log in with; null when the server is open. */
    private final BasicAuth.Credentials login;

    private StreamServer(Undertow server, String host, int port, Router router, BasicAuth.Credentials login) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.router = router;
        this.login = login;
    }

    /**
     * Starts on host:port. When the port is taken and {@code fallback} is set (the user did not
     * choose it), a free port is used instead.
     */
    public static StreamServer start(MediaLibrary library, String host, int port, boolean fallback) {
        StreamServer server = start(host, port, fallback, null);
        server.serve(library);
        return server;
    }

    /**
     * Starts listening before there is anything to serve (requests get 503 until {@link #serve}),
     * so that the server's start-up overlaps the metadata fetch.
     *
     * @param login what every request must log in with (HTTP Basic); null for none
     */
    public static StreamServer start(String host, int port, boolean fallback, BasicAuth.Credentials login) {
        try {
            return startOn(host, port, login);
        } catch (RuntimeException e) {
            if (!IoErrors.isBindFailure(e)) {
                throw e;
            }
            if (!fallback) {
                throw new FluxException(ExitCode.NETWORK, "HTTP port " + port + " on " + host + " is already in use",
                        "choose another with --port, or --port 0 for any free port", e);
            }
            return startOn(host, 0, login);
        }
    }

    private static StreamServer startOn(String host, int port, BasicAuth.Credentials login) {
        Router router = new Router(login == null ? "" : percentEncoded(login.user()) + ":" + percentEncoded(login.password()) + "@");
        Undertow server = Undertow.builder()
                .addHttpListener(port, host)
                .setIoThreads(1)
                .setWorkerThreads(32)
                // Undertow sizes its buffers from the maximum heap, and below 128 MiB (flux's cap)
                // it picks 1 KiB: a 64 KiB range went out in gathered writes of a few KiB, each
                // waiting for the socket under load. Its own size for bigger heaps, 16 KiB: in
                // alternating lab pairs seeks 18.8 -> 16.7 ms, the whole file 1.28 -> 1.13 s.
                .setBufferSize(16 * 1024 - 20)
                .setDirectBuffers(true)
                .setHandler(login == null ? router : BasicAuth.require(login, router))
                .build();
        server.start();
        return new StreamServer(server, host, listeningPort(server), router, login);
    }

    /**
     * The first request a server answers runs Undertow's code cold: a player's first byte came
     * 0.1 s after the piece under it was verified, the write alone 25-40 ms (lab). One request to
     * itself while the engine fetches the metadata runs that code (accept, parse, route, respond)
     * before the player's request comes; it gets the 503 page, or the index. Call it when the CPU
     * is free: during the engine's start-up it delayed the metadata more than it saved. Completes
     * with the status the server answered.
     */
    public CompletableFuture<Integer> warmUp() {
        InetSocketAddress address = listenerAddress(server);
        InetAddress target = address.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address.getAddress();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (Socket socket = new Socket(target, address.getPort())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: flux\r\nConnection: close\r\n"
                        + authorization() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                status.complete(Integer.parseInt(response.substring(9, 12))); // "HTTP/1.1 503 ..."
            } catch (IOException | RuntimeException e) {
                log.debug("warming up the HTTP server: {}", e.toString());
                status.completeExceptionally(e);
            }
        }, "flux-http-warm-up");
        thread.setDaemon(true);
        thread.start();
        return status;
    }

    /** The Authorization header line of the login, or nothing for an open server. */
    private String authorization() {
        if (login == null) {
            return "";
        }
        String pair = login.user() + ":" + login.password();
        return "Authorization: Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    /** The port a started server listens on (the one it chose when asked for port 0). */
    static int listeningPort(Undertow server) {
        return listenerAddress(server).getPort();
    }

    private static InetSocketAddress listenerAddress(Undertow server) {
        return (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    }

    public int port() {
        return port;
    }

    /** Base URL, e.g. http://127.0.0.1:8888 */
    public String baseUrl() {
        String h = urlHost(host);
        if (h.equals("0.0.0.0") || h.equals("[::]")) {
            h = "127.0.0.1";
        }
        return "http://" + h + ":" + port;
    }

    /** From now on the server answers for this torrent. */
    public void serve(MediaLibrary media) {
        router.served.complete(media); // also wakes the requests waiting on the stream URL
    }

    /**
     * Starts answering the torrent's stream URL, which is known before its metadata, and returns
     * it: {@code /<infohash>} redirects to the selected file, and a request that comes before the
     * metadata waits for it. A player started on it loads while the metadata is fetched.
     */
    public String openStreamUrl(String infoHash) {
        router.awaited = infoHash.toLowerCase(Locale.ROOT);
        return baseUrl() + "/" + router.awaited;
    }

    public String fileUrl(int index) {
        return baseUrl() + filePath(router.library().meta(), index);
    }

    /** The file's URL for a device that reaches this server at {@code address} (one it listens on). */
    public String fileUrlAt(InetAddress address, int index) {
        return "http://" + urlHost(address.getHostAddress()) + ":" + port + filePath(router.library().meta(), index);
    }

    /** An address as a URL's host: an IPv6 address in brackets. */
    static String urlHost(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }

    /**
     * A URL of this server as a player opens it: with the login in it ({@code user:password@}, each
     * percent-encoded), which mpv, VLC and ffplay send as HTTP Basic; as it is for an open server.
     */
    public String forPlayer(String url) {
        int at = url.indexOf("://") + 3;
        return url.substring(0, at) + router.userInfo + url.substring(at);
    }

    private static String percentEncoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public String playlistUrl() {
        return baseUrl() + "/playlist.m3u";
    }

    static String filePath(TorrentMeta meta, int index) {
        String name = meta.files().get(index).fileName();
        return "/" + meta.infoHash() + "/" + index + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        router.served.cancel(false); // releases requests still waiting for the metadata
        server.stop();
    }

    /** Dispatches by path; small enough not to need a routing library. */
    private static final class Router implements HttpHandler {
        /** How long a request for the stream URL waits for the metadata. */
        private static final long METADATA_WAIT_SECONDS = 120;
        /** The torrent served, once its metadata is in; cancelled if the server closes before that. */
        private final CompletableFuture<MediaLibrary> served = new CompletableFuture<>();
        /** "user:password@" of the login, percent-encoded, for URLs a player follows; "" for an open server. */
        private final String userInfo;
        private volatile String awaited;

        /** What the server answers for; null until the metadata is in. */
        MediaLibrary library() {
            return served.isDone() && !served.isCompletedExceptionally() ? served.join() : null;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            MediaLibrary library = library();
            String stream = awaited;
            if (stream != null && isStreamPath(exchange.getRelativePath(), stream)) {
                if (library != null) {
                    redirectToSelected(exchange, library);
                } else {
                    exchange.dispatch(() -> awaitMetadata(exchange));
                }
                return;
            }
            if (library == null) {
                stillFetching(exchange);
                return;
            }
            String path = exchange.getRelativePath();
            if (path.equals("/") || path.isEmpty()) {
                page(exchange, "text/html; charset=utf-8", IndexPage.html(library.meta(), library.selectedIndex()));
                return;
            }
            if (path.equals("/status.json")) {
                page(exchange, "application/json", library.progress().json()
                        .put("infoHash", library.meta().infoHash()).put("index", library.selectedIndex()) + "\n");
                return;
            }
            if (path.equals("/playlist.m3u")) {
                // a player that logged in for the playlist follows its entries with the same login
                page(exchange, "audio/x-mpegurl; charset=utf-8", Playlist.m3u(library.meta(), baseUrl(exchange)));
                return;
            }
            String[] parts = path.split("/", 4); // "", infohash, index, name
            if (parts.length >= 3 && parts[1].equalsIgnoreCase(library.meta().infoHash())) {
                try {
                    int index = Integer.parseInt(parts[2]);
                    if (index >= 0 && index < library.meta().files().size()) {
                        new FileHandler(library, index).handleRequest(exchange);
                        return;
                    }
                } catch (NumberFormatException ignored) {
                    // falls through to 404
                }
            }
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            page(exchange, "text/plain; charset=utf-8", "no such file: " + path + "\nsee / for the list\n");
        }

        private static boolean isStreamPath(String path, String infoHash) {
            int end = path.endsWith("/") ? path.length() - 1 : path.length();
            return end == infoHash.length() + 1 && path.regionMatches(true, 1, infoHash, 0, infoHash.length());
        }

        /** On a worker thread: the metadata may take as long as the swarm needs. */
        private void awaitMetadata(HttpServerExchange exchange) {
            try {
                redirectToSelected(exchange, served.get(METADATA_WAIT_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
                exchange.endExchange();
            } catch (ExecutionException | TimeoutException | CancellationException e) {
                stillFetching(exchange);
            }
        }

        Router(String userInfo) {
            this.userInfo = userInfo;
        }

        /** This server as the request named it, with the login for a player to follow. */
        private String baseUrl(HttpServerExchange exchange) {
            return exchange.getRequestScheme() + "://" + userInfo + exchange.getHostAndPort();
        }

        /** 503 with a retry hint: nothing to serve before the metadata is in. */
        private static void stillFetching(HttpServerExchange exchange) {
            exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            page(exchange, "text/plain; charset=utf-8", "flux is still fetching the torrent's metadata\n");
        }

        /** 307: the player asks the file's own URL again, with its method, and shows its name. */
        private void redirectToSelected(HttpServerExchange exchange, MediaLibrary library) {
            exchange.setStatusCode(StatusCodes.TEMPORARY_REDIRECT);
            exchange.getResponseHeaders().put(Headers.LOCATION, baseUrl(exchange) + filePath(library.meta(), library.selectedIndex()));
            exchange.endExchange();
        }

        private static void page(HttpServerExchange exchange, String type, String body) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
            exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
        }
    }

    /** The files a playlist should hold: playable media, in torrent order. */
    public static List<TorrentMeta.FileEntry> playable(TorrentMeta meta) {
        return meta.files().stream().filter(f -> MediaTypes.isPlayable(f.fileName())).toList();
    }
}
