package flux.engine;

import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a web seed (BEP 19) keeps each file of a torrent. A single-file torrent's URL is the
 * file's own, or a folder (ending in '/') that holds it under the torrent's name; a multi-file
 * torrent's files are under URL/name/path, as the torrent lays them out on disk.
 */
final class WebSeed {
    private static final Logger log = LoggerFactory.getLogger(WebSeed.class);
    /** A server silent this long in the middle of a response is given up on (and asked again after a pause). */
    private static final int READ_TIMEOUT_MILLIS = 30_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 15_000;

    /** The part of one file that lies in a span of the torrent's bytes: where to ask for it. */
    record Part(URI url, long offset, long length) {
    }

    private static final int MOST_REDIRECTS = 5;

    private final String base;
    /** Where files were redirected to: each torrent URL's latest place. */
    private final Map<URI, URI> moved = new ConcurrentHashMap<>();

    private WebSeed(String base) {
        this.base = base;
    }

    /** An http(s) URL; null for anything else (an ftp:// seed, a typo), which a torrent may well list. */
    static WebSeed of(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (uri.getHost() == null || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
                return null;
            }
            return new WebSeed(url);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The URL as the torrent gives it, for messages. */
    String url() {
        return base;
    }

    /** The files' parts that hold the torrent's bytes from {@code start} to {@code end}, in order. */
    List<Part> parts(Torrent torrent, long start, long end) {
        List<Part> parts = new ArrayList<>();
        long fileStart = 0;
        for (TorrentFile file : torrent.getFiles()) {
            long fileEnd = fileStart + file.getSize();
            long from = Math.max(start, fileStart);
            long to = Math.min(end, fileEnd);
            if (from < to) {
                parts.add(new Part(fileUrl(torrent, file), from - fileStart, to - from));
            }
            fileStart = fileEnd;
        }
        return parts;
    }

    /**
     * GETs a part with a Range header; its body, to be read to its end. The JDK's
     * HttpURLConnection, not its HttpClient: a 146 MiB body over loopback took 80-90 ms to read
     * with the first and 420-620 ms with the second, whose asynchronous pipeline hands each buffer
     * across threads. A body read to its end leaves the connection open for the next request.
     * Redirects are followed here, not by the JDK, which follows none from http to https (an old
     * torrent's http:// seed that now redirects to https): from then on each file is asked for
     * where it was sent (libtorrent does the same), until a request there fails.
     *
     * @throws IOException when the server does not answer with exactly those bytes
     */
    InputStream get(Part part) throws IOException {
        URI asked = part.url();
        URI url = moved.getOrDefault(asked, asked);
        for (int redirects = 0; ; redirects++) {
            HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout(READ_TIMEOUT_MILLIS);
            connection.setRequestProperty("Range", "bytes=" + part.offset() + "-" + (part.offset() + part.length() - 1));
            connection.setRequestProperty("User-Agent", "flux"); // a server's logs say who reads, not "Java/17"
            int status;
            try {
                status = connection.getResponseCode();
            } catch (IOException e) {
                moved.remove(asked); // the place it was sent to may be gone: the torrent's URL next time
                throw e;
            }
            if (status / 100 == 3 && status != 304) {
                url = redirected(url, status, connection, redirects);
                moved.put(asked, url);
                continue;
            }
            String range = connection.getHeaderField("Content-Range");
            if (status == 206 ? range == null || !range.startsWith("bytes " + part.offset() + "-")
                    : !(status == 200 && part.offset() == 0)) {
                connection.disconnect();
                moved.remove(asked);
                throw new IOException("HTTP " + status + (range != null ? " " + range : "") + " for " + url
                        + (status == 200 ? ": it does not serve byte ranges" : ""));
            }
            return connection.getInputStream();
        }
    }

    /** Where a redirect sends: an http(s) URL, never from https to http, within {@link #MOST_REDIRECTS}. */
    private static URI redirected(URI from, int status, HttpURLConnection connection, int redirects) throws IOException {
        String location = connection.getHeaderField("Location");
        try (InputStream body = connection.getErrorStream() != null ? connection.getErrorStream() : connection.getInputStream()) {
            body.readAllBytes(); // read to its end, so that the connection stays open
        } catch (IOException e) {
            // a redirect's body is nothing anyone needs
        }
        if (location == null || redirects >= MOST_REDIRECTS) {
            throw new IOException("HTTP " + status + " for " + from + (location == null ? " without a Location" : ": too many redirects"));
        }
        URI to;
        try {
            to = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new IOException("HTTP " + status + " for " + from + " to a malformed Location: " + location);
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && "http".equalsIgnoreCase(from.getScheme()))) {
            throw new IOException("HTTP " + status + " for " + from + " to " + to + ": not followed"
                    + (scheme.equals("http") ? " (from https to http)" : ""));
        }
        return to;
    }

    /**
     * Asks the server for the torrent's first byte, on a thread of its own, and then {@code done}:
     * the JDK keeps the connection open for the next request to the server (for 5 s, or what the
     * server's Keep-Alive says), which then does not wait for a new one (a round trip, with TLS
     * two). A failure is left to the next real request to report.
     */
    void warm(Torrent torrent, Runnable done) {
        Thread t = new Thread(() -> {
            try (InputStream in = get(parts(torrent, 0, 1).get(0))) {
                in.readAllBytes();
            } catch (IOException e) {
                log.debug("web seed {}: opening a connection ahead: {}", base, e.toString());
            } finally {
                done.run();
            }
        }, "flux-web-seed-warm");
        t.setDaemon(true);
        t.start();
    }

    URI fileUrl(Torrent torrent, TorrentFile file) {
        List<String> path = file.getPathElements();
        boolean singleFile = torrent.getFiles().size() == 1 && path.equals(List.of(torrent.getName()));
        StringBuilder url = new StringBuilder(base);
        if (singleFile) {
            if (base.endsWith("/")) {
                url.append(encode(torrent.getName()));
            }
        } else {
            if (!base.endsWith("/")) {
                url.append('/');
            }
            url.append(encode(torrent.getName()));
            path.forEach(element -> url.append('/').append(encode(element)));
        }
        return URI.create(url.toString());
    }

    /** A path segment in percent-encoding: RFC 3986's unreserved characters stay, every other byte of its UTF-8 is escaped. */
    static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
