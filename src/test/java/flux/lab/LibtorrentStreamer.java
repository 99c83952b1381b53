package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The labs' python3-libtorrent streamer ({@code src/bench/lt_stream.py}) on its own loopback
 * address, dialling the given peer as libtorrent dials one (an obfuscated handshake that offers
 * plaintext or RC4), and serving the torrent's largest file over HTTP once the metadata is in.
 */
public final class LibtorrentStreamer implements AutoCloseable {
    private static final Pattern READY_URL = Pattern.compile("\"event\": ?\"ready\".*\"url\": ?\"([^\"]+)\"");

    private final Process process;
    private final String url;

    private LibtorrentStreamer(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /**
     * Starts it on {@code magnet} with {@code peer} (host:port) and waits for its URL; with
     * {@code utp} it dials uTP first, as libtorrent's defaults (qBittorrent's, Deluge's) do.
     */
    public static LibtorrentStreamer start(Path dir, String address, String magnet, String peer, long timeoutSeconds,
                                           boolean utp) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path stdout = dir.resolve("lt_stream.out");
        List<String> command = new ArrayList<>(List.of(LibtorrentSeeder.PYTHON, Path.of("src", "bench", "lt_stream.py").toString(),
                magnet, "--bind", address, "--save", dir.resolve("data").toString(), "--port", "0", "--peer", peer));
        if (utp) {
            command.add("--utp");
        }
        Process p = new ProcessBuilder(command)
                .redirectError(dir.resolve("lt_stream.err").toFile()).redirectOutput(stdout.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline && p.isAlive()) {
            Matcher ready = READY_URL.matcher(Files.readString(stdout));
            if (ready.find()) {
                return new LibtorrentStreamer(p, ready.group(1));
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        Tools.kill(p);
        throw new IOException("lt_stream.py served no URL within " + timeoutSeconds + " s: "
                + Files.readString(dir.resolve("lt_stream.err")));
    }

    /** The file's URL on its HTTP server. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        Tools.kill(process);
    }
}
