package flux.lab;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * qbittorrent-nox (libtorrent-rasterbar 2.0, the engine of most clients in real swarms) on its
 * own loopback address, driven through its Web API. DHT, Local Service Discovery and port
 * mapping are off; uTP and PEX keep qBittorrent's defaults, as a user has them.
 */
public final class QBittorrentPeer implements AutoCloseable {
    private final Process process;
    private final String api;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private QBittorrentPeer(Process process, String api, Path log) {
        this.process = process;
        this.api = api;
        this.log = log;
    }

    public static QBittorrentPeer start(Path dir, String address, int peerPort, int webPort) throws IOException, InterruptedException {
        return start(dir, address, peerPort, webPort, false);
    }

    /** @param requireEncryption qBittorrent's "Require encryption" (its default allows both) */
    public static QBittorrentPeer start(Path dir, String address, int peerPort, int webPort, boolean requireEncryption)
            throws IOException, InterruptedException {
        Path config = Files.createDirectories(dir.resolve("profile/qBittorrent/config"));
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        // the legal notice would otherwise wait for a keypress; the Web API needs no login from
        // loopback; peer countries would download a GeoIP database from the internet
        String settings = """
                [LegalNotice]
                Accepted=true

                [BitTorrent]
                Session\\DHTEnabled=false
                Session\\Encryption=%d
                Session\\LSDEnabled=false
                Session\\Port=%d
                Session\\InterfaceAddress=%s
                Session\\QueueingSystemEnabled=false
                Session\\DefaultSavePath=%s

                [Network]
                PortForwardingEnabled=false

                [Preferences]
                WebUI\\Address=%s
                WebUI\\Port=%d
                WebUI\\LocalHostAuth=false
                WebUI\\AuthSubnetWhitelistEnabled=true
                WebUI\\AuthSubnetWhitelist=127.0.0.0/8
                WebUI\\CSRFProtection=false
                WebUI\\HostHeaderValidation=false
                Connection\\ResolvePeerCountries=false
                """.formatted(requireEncryption ? 1 : 0, peerPort, address, downloads.toAbsolutePath(), address, webPort);
        Files.writeString(config.resolve("qBittorrent.conf"), settings);
        Path log = dir.resolve("qbittorrent.log");
        Process p = new ProcessBuilder(Tools.require("qbittorrent-nox"), "--profile=" + dir.resolve("profile").toAbsolutePath())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Tools.awaitPort(p, log, address, webPort, 20_000);
        return new QBittorrentPeer(p, "http://" + address + ":" + webPort + "/api/v2/", log);
    }

    /** Adds a .torrent whose data is in {@code saveDir}, lets qBittorrent check it and waits until it seeds. */
    public void seed(TorrentMaker.Made made, Path saveDir) throws IOException, InterruptedException {
        Path torrent = made.torrent();
        String boundary = UUID.randomUUID().toString();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"savepath\"\r\n\r\n" + saveDir.toAbsolutePath()
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"torrents\"; filename=\"" + torrent.getFileName()
                + "\"\r\nContent-Type: application/x-bittorrent\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        post("torrents/add", HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofFile(torrent), HttpRequest.BodyPublishers.ofByteArray(tail)),
                "multipart/form-data; boundary=" + boundary);
        awaitComplete(made.infoHash(), 60);
    }

    /** Starts downloading a magnet into {@code saveDir}. */
    public void download(String magnet, Path saveDir) throws IOException, InterruptedException {
        post("torrents/add", form("urls", magnet, "savepath", saveDir.toAbsolutePath().toString()));
    }

    /** Tells qBittorrent about a peer (HOST:PORT) of a torrent it has, as a user pasting it would. */
    public void addPeer(String infoHash, String hostPort) throws IOException, InterruptedException {
        post("torrents/addPeers", form("hashes", infoHash, "peers", hostPort));
    }

    /** Limits what qBittorrent uploads of one torrent, in bytes per second. */
    public void limitUpload(String infoHash, long bytesPerSecond) throws IOException, InterruptedException {
        post("torrents/setUploadLimit", form("hashes", infoHash, "limit", Long.toString(bytesPerSecond)));
    }

    /** Waits until qBittorrent has all of a torrent, checked by its own hash check; fails with its state. */
    public void awaitComplete(String infoHash, long timeoutSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String info = info(infoHash);
        while (!(progressOf(info) >= 1.0 && info.matches("(?s).*\"state\":\"(uploading|stalledUP|queuedUP|forcedUP)\".*"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("qBittorrent did not complete " + infoHash + " in " + timeoutSeconds + " s: " + info
                        + "\n" + Files.readString(log));
            }
            TimeUnit.MILLISECONDS.sleep(200);
            info = info(infoHash);
        }
    }

    /** The Web API's JSON for one torrent ("[]" when qBittorrent does not have it). */
    public String info(String infoHash) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(api + "torrents/info?hashes=" + infoHash)).GET());
    }

    /** The Web API's JSON for the peers of one torrent, as its peer list shows them (client, address, ...). */
    public String peers(String infoHash) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(api + "sync/torrentPeers?rid=0&hash=" + infoHash)).GET());
    }

    private static double progressOf(String info) {
        Matcher m = Pattern.compile("\"progress\":([0-9.eE+-]+)").matcher(info);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static HttpRequest.BodyPublisher form(String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            body.append(i == 0 ? "" : "&").append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.BodyPublishers.ofString(body.toString());
    }

    private void post(String method, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        post(method, body, "application/x-www-form-urlencoded");
    }

    private void post(String method, HttpRequest.BodyPublisher body, String contentType) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(api + method)).header("Content-Type", contentType).POST(body));
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || r.body().startsWith("Fails")) {
            throw new AssertionError("qBittorrent " + r.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() {
        Tools.kill(process);
    }
}
