package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** lighttpd serving a folder on a loopback address: a web seed (BEP 19) as a real HTTP server is one, byte ranges included. */
public final class Lighttpd implements AutoCloseable {
    /** In the server's folder: one line per request, the path and the Range header ("-" without one). */
    public static final String ACCESS_LOG = "access.log";
    private final Process process;
    private final String url;

    private Lighttpd(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Serves {@code root}; its log and configuration go to {@code dir}. */
    public static Lighttpd serve(Path dir, Path root, String host) throws IOException, InterruptedException {
        return start(dir, root, host, "http", List.of());
    }

    /** Serves {@code root} at most {@code kibPerSecond} to each connection (lighttpd sends a second's worth at a time). */
    public static Lighttpd serveSlowly(Path dir, Path root, String host, int kibPerSecond) throws IOException, InterruptedException {
        return start(dir, root, host, "http", List.of("connection.kbytes-per-second = " + kibPerSecond));
    }

    /**
     * Serves {@code root} over https, with a certificate for the IP address {@code host} made
     * here: {@link #trustStore} is a PKCS12 store (password "changeit") that a JVM given it as
     * javax.net.ssl.trustStore trusts it with.
     */
    public static Lighttpd serveTls(Path dir, Path root, String host) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Tools.run(30, Tools.require("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=" + host, "-addext", "subjectAltName=IP:" + host,
                "-keyout", key.toString(), "-out", cert.toString());
        Files.deleteIfExists(trustStore(dir));
        Tools.run(30, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert", "-noprompt",
                "-alias", "lab", "-file", cert.toString(), "-keystore", trustStore(dir).toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        return start(dir, root, host, "https", List.of("server.modules += (\"mod_openssl\")", "ssl.engine = \"enable\"",
                "ssl.pemfile = \"" + cert.toAbsolutePath() + "\"", "ssl.privkey = \"" + key.toAbsolutePath() + "\""));
    }

    /** The store that trusts the certificate {@link #serveTls} made in {@code dir}. */
    public static Path trustStore(Path dir) {
        return dir.resolve("trust.p12");
    }

    /** Answers every request with a 302 to the same path under {@code to} (a URL ending in '/'). */
    public static Lighttpd redirectTo(Path dir, String host, String to) throws IOException, InterruptedException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        return start(dir, empty, host, "http", List.of("server.modules += (\"mod_redirect\")",
                "url.redirect = (\"^/(.*)$\" => \"" + to + "$1\")", "url.redirect-code = 302"));
    }

    private static Lighttpd start(Path dir, Path root, String host, String scheme, List<String> more)
            throws IOException, InterruptedException {
        int port = Net.freePort(host);
        Files.createDirectories(dir);
        Path config = dir.resolve("lighttpd.conf");
        List<String> lines = new java.util.ArrayList<>(List.of(
                "server.document-root = \"" + root.toAbsolutePath() + "\"",
                "server.bind = \"" + host + "\"",
                "server.port = " + port,
                "server.errorlog = \"" + dir.toAbsolutePath().resolve("lighttpd.err") + "\"",
                "server.modules += (\"mod_accesslog\")",
                "accesslog.filename = \"" + dir.toAbsolutePath().resolve(ACCESS_LOG) + "\"",
                "accesslog.format = \"%U %{Range}i\"",
                "mimetype.assign = (\".mp4\" => \"video/mp4\", \".mkv\" => \"video/x-matroska\")"));
        lines.addAll(more);
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
        Process p = new ProcessBuilder(Tools.require("lighttpd"), "-D", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("lighttpd.out").toFile()).start();
        Tools.awaitPort(p, dir.resolve("lighttpd.out"), host, port, 10_000);
        return new Lighttpd(p, scheme + "://" + host + ":" + port + "/");
    }

    /** The served folder's URL, ending in '/'. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        Tools.kill(process);
    }
}
