package flux.http;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;
import flux.ui.Json;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * `flux seed --http`: what a long-running seed is doing, for a monitor to poll. {@code /status.json}
 * lists the torrents (the same words as the status line, per torrent); {@code /metrics} says it in
 * Prometheus' text format, for the monitoring most headless boxes already run.
 */
public final class SeedStatusServer implements AutoCloseable {
    static {
        NoPlatformMBeans.install();
    }

    /** One torrent being seeded, as the seed sees it now. */
    public record Torrent(String name, String infoHash, String path, long size, long uploaded, int peers, long seedingSeconds) {
    }

    private final Undertow server;
    private final String url;

    private SeedStatusServer(Undertow server, String url) {
        this.server = server;
        this.url = url;
    }

    /** Listens on host:port (0: a free port) and answers from {@code torrents} at each request. */
    public static SeedStatusServer start(String host, int port, Supplier<List<Torrent>> torrents) {
        Undertow server = Undertow.builder()
                .addHttpListener(port, host)
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setHandler(exchange -> answer(exchange, torrents))
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            if (IoErrors.isBindFailure(e)) {
                throw new FluxException(ExitCode.NETWORK, "--http: port " + port + " on " + host + " is already in use",
                        "choose another, or 0 for any free port", e);
            }
            throw e;
        }
        return new SeedStatusServer(server, "http://" + StreamServer.urlHost(host) + ":" + StreamServer.listeningPort(server));
    }

    /** Where it answers, e.g. http://127.0.0.1:9100 */
    public String url() {
        return url;
    }

    private static void answer(HttpServerExchange exchange, Supplier<List<Torrent>> torrents) {
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
            exchange.endExchange();
            return;
        }
        switch (exchange.getRelativePath()) {
            case "/status.json" -> send(exchange, "application/json", json(torrents.get()) + "\n");
            case "/metrics" -> send(exchange, "text/plain; version=0.0.4; charset=utf-8", metrics(torrents.get()));
            default -> {
                exchange.setStatusCode(StatusCodes.NOT_FOUND);
                send(exchange, "text/plain; charset=utf-8", "flux seed answers /status.json and /metrics\n");
            }
        }
    }

    private static void send(HttpServerExchange exchange, String type, String body) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
    }

    static String json(List<Torrent> torrents) {
        long uploaded = torrents.stream().mapToLong(Torrent::uploaded).sum();
        int peers = torrents.stream().mapToInt(Torrent::peers).sum();
        return Json.object().put("torrents", torrents.stream().map(t -> Json.object().put("name", t.name())
                        .put("infoHash", t.infoHash()).put("path", t.path()).put("size", t.size()).put("uploaded", t.uploaded())
                        .put("ratio", ratio(t)).put("peers", t.peers()).put("seedingSeconds", t.seedingSeconds())).toList())
                .put("uploaded", uploaded).put("peers", peers).toString();
    }

    private static double ratio(Torrent t) {
        return t.size() == 0 ? 0 : Math.round(1000.0 * t.uploaded() / t.size()) / 1000.0;
    }

    /** Prometheus' text exposition format: totals, then each torrent under its info-hash and name. */
    static String metrics(List<Torrent> torrents) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP flux_seed_torrents Torrents being seeded.\n# TYPE flux_seed_torrents gauge\n")
                .append("flux_seed_torrents ").append(torrents.size()).append('\n');
        family(out, "flux_seed_uploaded_bytes_total", "counter", "Bytes uploaded to peers.", torrents, Torrent::uploaded);
        family(out, "flux_seed_peers", "gauge", "Peers connected.", torrents, t -> t.peers());
        family(out, "flux_seed_size_bytes", "gauge", "Size of the torrent's data.", torrents, Torrent::size);
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String type, String help, List<Torrent> torrents,
                               java.util.function.ToLongFunction<Torrent> value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (Torrent t : torrents) {
            out.append(name).append("{info_hash=\"").append(t.infoHash().toLowerCase(Locale.ROOT))
                    .append("\",name=\"").append(label(t.name())).append("\"} ").append(value.applyAsLong(t)).append('\n');
        }
    }

    /** A label value: backslash, double quote and line feed escaped, as the format asks. */
    private static String label(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public void close() {
        server.stop();
    }
}
