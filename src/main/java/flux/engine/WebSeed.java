package flux.engine;

import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a web seed (BEP 19) keeps each file of a torrent. A single-file torrent's URL is the
 * file's own, or a folder (ending in '/') that holds it under the torrent's name; a multi-file
 * torrent's files are under URL/name/path, as the torrent lays them out on disk.
 */
final class WebSeed {
    private final String base;

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
