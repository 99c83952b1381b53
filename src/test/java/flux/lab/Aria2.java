package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** aria2c as a leecher or a seeder on its own loopback address, with DHT, LPD and IPv6 off. */
public final class Aria2 {
    private Aria2() {
    }

    /** Downloads a .torrent into {@code dir} and returns when aria2c exits 0 (fails otherwise). */
    public static void download(Path torrent, Path dir, String address, int timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Tools.run(timeoutSeconds + 10, Tools.require("aria2c"), "--enable-dht=false", "--enable-dht6=false",
                "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--disable-ipv6", "--interface=" + address,
                "--listen-port=" + Net.freePort(address), "--seed-time=0", "--bt-stop-timeout=" + timeoutSeconds,
                "--summary-interval=0", "--console-log-level=warn", "--check-integrity=true",
                "--file-allocation=none", "-d", dir.toString(), torrent.toString());
    }

    /**
     * Seeds a .torrent whose data is in {@code dir} until closed. aria2c sends as fast as loopback
     * goes, where Transmission paces itself.
     */
    public static Seeder seed(Path torrent, Path dir, String address, int port, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Tools.require("aria2c"), "--enable-dht=false", "--enable-dht6=false",
                "--bt-enable-lpd=false", "--enable-peer-exchange=false", "--disable-ipv6", "--interface=" + address,
                "--listen-port=" + port, "--seed-ratio=0", "--check-integrity=true", "--summary-interval=0",
                "--console-log-level=warn", "--file-allocation=none", "-d", dir.toString(), torrent.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Tools.awaitPort(p, log, address, port, 15_000);
        return new Seeder(p);
    }

    /** A running aria2c seeder. */
    public record Seeder(Process process) implements AutoCloseable {
        @Override
        public void close() {
            Tools.kill(process);
        }
    }
}
