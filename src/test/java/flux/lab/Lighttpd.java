package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        int port = Net.freePort(host);
        Files.createDirectories(dir);
        Path config = dir.resolve("lighttpd.conf");
        Files.writeString(config, String.join("\n",
                "server.document-root = \"" + root.toAbsolutePath() + "\"",
                "server.bind = \"" + host + "\"",
                "server.port = " + port,
                "server.errorlog = \"" + dir.toAbsolutePath().resolve("lighttpd.err") + "\"",
                "server.modules += (\"mod_accesslog\")",
                "accesslog.filename = \"" + dir.toAbsolutePath().resolve(ACCESS_LOG) + "\"",
                "accesslog.format = \"%U %{Range}i\"",
                "mimetype.assign = (\".mp4\" => \"video/mp4\", \".mkv\" => \"video/x-matroska\")", ""));
        Process p = new ProcessBuilder(Tools.require("lighttpd"), "-D", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("lighttpd.out").toFile()).start();
        Tools.awaitPort(p, dir.resolve("lighttpd.out"), host, port, 10_000);
        return new Lighttpd(p, "http://" + host + ":" + port + "/");
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
