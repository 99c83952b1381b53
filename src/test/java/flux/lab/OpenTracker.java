package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * opentracker on a loopback address. Debian's build serves only whitelisted info-hashes and
 * resolves the whitelist inside its chroot directory; it refuses to run as root.
 */
public final class OpenTracker implements AutoCloseable {
    private final Process process;
    private final String announce;

    private OpenTracker(Process process, String announce) {
        this.process = process;
        this.announce = announce;
    }

    public static OpenTracker start(Path dir, String host, int port, List<String> infoHashes)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path whitelist = dir.resolve("whitelist");
        Files.write(whitelist, infoHashes);
        Files.setPosixFilePermissions(whitelist, PosixFilePermissions.fromString("rw-r--r--"));
        Process p = new ProcessBuilder(Tools.require("opentracker"), "-i", host, "-p", Integer.toString(port),
                "-P", Integer.toString(port), "-d", dir.toAbsolutePath().toString(), "-w", "whitelist", "-u", "nobody")
                .redirectErrorStream(true).redirectOutput(dir.resolve("opentracker.log").toFile()).start();
        Tools.awaitPort(p, dir.resolve("opentracker.log"), host, port, 10_000);
        return new OpenTracker(p, "http://" + host + ":" + port + "/announce");
    }

    public String announceUrl() {
        return announce;
    }

    /** How many peers (seeders + leechers) the tracker knows for a torrent, from its scrape page. */
    public int peers(String infoHashHex) throws IOException, InterruptedException {
        StringBuilder hash = new StringBuilder();
        for (int i = 0; i < infoHashHex.length(); i += 2) {
            hash.append('%').append(infoHashHex, i, i + 2);
        }
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(announce.replace("/announce", "/scrape")
                        + "?info_hash=" + hash)).timeout(java.time.Duration.ofSeconds(5)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
        int peers = 0;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:8:complete|10:incomplete)i(\\d+)e").matcher(body);
        while (m.find()) {
            peers += Integer.parseInt(m.group(1));
        }
        return peers;
    }

    /**
     * Waits (at most 30 s) until the tracker knows a peer of the torrent. A magnet's stream finds
     * its seeders in its first announce or only after the tracker's interval (opentracker: ~15
     * min), and a seeder announces a newly added torrent a moment after it was added.
     */
    public void awaitPeer(String infoHashHex, String what) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (peers(infoHashHex) < 1) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the tracker never heard of " + what + " (" + infoHashHex + ")");
            }
            Thread.sleep(100);
        }
    }

    /** The same tracker over UDP (BEP 15): opentracker listens on the same port for both. */
    public String udpAnnounceUrl() {
        return announce.replaceFirst("^http:", "udp:");
    }

    @Override
    public void close() {
        Tools.kill(process);
    }
}
