package flux.engine;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

/** Reads the bytes of a .torrent from disk or over http(s), with errors a user can act on. */
final class TorrentFiles {
    private static final int MAX_TORRENT_BYTES = 64 << 20;

    private TorrentFiles() {
    }

    static byte[] read(TorrentInput input) {
        if (input instanceof TorrentInput.TorrentBytes b) {
            return b.bytes();
        }
        if (input instanceof TorrentInput.TorrentFile f) {
            try {
                if (Files.size(f.path()) > MAX_TORRENT_BYTES) {
                    throw new FluxException(ExitCode.BAD_INPUT, f.path() + " is too large to be a .torrent file");
                }
                return Files.readAllBytes(f.path());
            } catch (IOException e) {
                throw new FluxException(ExitCode.IO, "cannot read " + f.path() + ": " + IoErrors.reason(e), null, e);
            }
        }
        if (input instanceof TorrentInput.TorrentUrl u) {
            try {
                HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                        .connectTimeout(Duration.ofSeconds(15)).build();
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(u.url()).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new FluxException(ExitCode.NETWORK, "cannot fetch " + u.url() + ": HTTP " + r.statusCode());
                }
                return r.body();
            } catch (IOException e) {
                throw new FluxException(ExitCode.NETWORK, "cannot fetch " + u.url() + ": " + e.getMessage(), null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FluxException(ExitCode.INTERRUPTED, "interrupted while fetching " + u.url());
            }
        }
        throw new IllegalArgumentException("not a .torrent input: " + input);
    }
}
