package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * transmission-daemon on its own loopback address (Transmission takes one connection per IP,
 * so every client in the lab gets its own), with DHT, LPD, PEX, uTP and port mapping off.
 */
public final class TransmissionPeer implements AutoCloseable {
    private final Process process;
    private final String rpc;
    private final Path dataDir;
    private final Path log;

    private TransmissionPeer(Process process, String rpc, Path dataDir, Path log) {
        this.process = process;
        this.rpc = rpc;
        this.dataDir = dataDir;
        this.log = log;
    }

    /**
     * @param uploadLimitKiB 0 for unlimited; a limit keeps a download slow enough to watch a seek
     */
    public static TransmissionPeer start(Path dir, String address, int peerPort, int rpcPort, int uploadLimitKiB)
            throws IOException, InterruptedException {
        return start(dir, address, peerPort, rpcPort, uploadLimitKiB, false);
    }

    /**
     * @param requireEncryption Transmission's "Require encryption": it then takes only encrypted
     *                          connections and dials only encrypted (otherwise it prefers encryption)
     */
    public static TransmissionPeer start(Path dir, String address, int peerPort, int rpcPort, int uploadLimitKiB,
                                         boolean requireEncryption) throws IOException, InterruptedException {
        return start(dir, address, peerPort, rpcPort, uploadLimitKiB, requireEncryption, false);
    }

    /**
     * An unlimited seeder that writes its peer-message debug log, every request it takes or drops,
     * to {@link #log()} ({@code TR_DEBUG_FD}).
     */
    public static TransmissionPeer startLoggingRequests(Path dir, String address, int peerPort, int rpcPort)
            throws IOException, InterruptedException {
        return start(dir, address, peerPort, rpcPort, 0, false, true);
    }

    private static TransmissionPeer start(Path dir, String address, int peerPort, int rpcPort, int uploadLimitKiB,
                                          boolean requireEncryption, boolean logRequests) throws IOException, InterruptedException {
        Path config = dir.resolve("config");
        Path data = dir.resolve("data");
        Files.createDirectories(config);
        Files.createDirectories(data);
        String settings = """
                {"bind-address-ipv4": "%s", "bind-address-ipv6": "::1", "peer-port": %d,
                 "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
                 "port-forwarding-enabled": false, "rpc-enabled": true, "rpc-bind-address": "%s", "rpc-port": %d,
                 "rpc-authentication-required": false, "rpc-whitelist-enabled": false,
                 "rpc-host-whitelist-enabled": false, "download-dir": "%s", "encryption": %d,
                 "ratio-limit-enabled": false, "idle-seeding-limit-enabled": false,
                 "speed-limit-up-enabled": %s, "speed-limit-up": %d, "start-added-torrents": true,
                 "peer-limit-global": 200, "peer-limit-per-torrent": 60, "message-level": 1,
                 "cache-size-mb": 16}
                """.formatted(address, peerPort, address, rpcPort, data.toAbsolutePath(), requireEncryption ? 2 : 1,
                uploadLimitKiB > 0, Math.max(uploadLimitKiB, 1));
        Files.writeString(config.resolve("settings.json"), settings);
        ProcessBuilder daemon = new ProcessBuilder(Tools.require("transmission-daemon"), "-f", "-g", config.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("transmission.log").toFile());
        if (logRequests) {
            daemon.environment().put("TR_DEBUG_FD", "2");
        }
        Process p = daemon.start();
        Tools.awaitPort(address, rpcPort, 15_000);
        return new TransmissionPeer(p, address + ":" + rpcPort, data, dir.resolve("transmission.log"));
    }

    public Path dataDir() {
        return dataDir;
    }

    /** What the daemon wrote to stdout and stderr. */
    public Path log() {
        return log;
    }

    /** Adds a torrent whose data is already in {@link #dataDir()} and waits until it seeds. */
    public void seed(Path torrent) throws IOException, InterruptedException {
        remote("-a", torrent.toAbsolutePath().toString());
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String list = remote("-l");
            Matcher row = Pattern.compile("(?m)^\\s*\\d+\\*?\\s+(\\S+)").matcher(list);
            int rows = 0;
            int done = 0;
            while (row.find()) {
                rows++;
                if (row.group(1).equals("100%")) {
                    done++;
                }
            }
            if (rows > 0 && rows == done && !list.contains("Verifying") && !list.contains("Will Verify")) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("transmission did not start seeding " + torrent + ": " + remote("-l"));
    }

    public String remote(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 2];
        cmd[0] = Tools.require("transmission-remote");
        cmd[1] = rpc;
        System.arraycopy(args, 0, cmd, 2, args.length);
        return Tools.run(30, cmd);
    }

    @Override
    public void close() {
        Tools.kill(process);
    }
}
