package flux.lab;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A python3-libtorrent seeder (the labs' {@code src/bench/lt_seed.py}) on its own loopback address,
 * keeping a given number of requests per peer and writing its peer log, where a request beyond
 * that queue shows as "incoming request queue full".
 */
public final class LibtorrentSeeder implements AutoCloseable {
    /** Debian's python3, for which python3-libtorrent (and python3-prometheus-client) are packaged. */
    public static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final Path log;

    private LibtorrentSeeder(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Seeds the torrent whose data is in {@code dataDir}, keeping {@code queue} requests per peer. */
    public static LibtorrentSeeder start(Path dir, String address, int port, Path torrent, Path dataDir, int queue)
            throws IOException, InterruptedException {
        Path log = dir.resolve("peer.log");
        Process p = new ProcessBuilder(PYTHON, Path.of("src", "bench", "lt_seed.py").toString(), address,
                Integer.toString(port), torrent.toString(), dataDir.toString(), Integer.toString(queue), log.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("seeder.out").toFile()).start();
        Tools.awaitPort(p, dir.resolve("seeder.out"), address, port, 15_000);
        return new LibtorrentSeeder(p, log);
    }

    /** The seeder's peer log. */
    public Path log() {
        return log;
    }

    /** How the seeder ended ("exit 139": a segfault), or null while it runs. */
    public String ended() {
        return process.isAlive() ? null : "exit " + process.exitValue();
    }

    @Override
    public void close() {
        Tools.kill(process);
    }
}
