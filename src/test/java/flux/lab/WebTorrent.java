package flux.lab;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * webtorrent-cli 6.0.1 (the Node.js WebTorrent, TCP and uTP), where src/bench/setup-peers.sh
 * installs it for the benchmarks; .ci/run runs that script. It has no switch for DHT, Local Service
 * Discovery or UPnP, so a test runs it only in a {@link Namespace}.
 */
public final class WebTorrent {
    private WebTorrent() {
    }

    /** The program; failing (not skipping) when it is missing. */
    public static String require() {
        String cache = System.getenv("BENCH_CACHE");
        if (cache == null) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            cache = (xdg != null ? xdg : System.getProperty("user.home") + "/.cache") + "/flux-bench";
        }
        Path program = Path.of(cache, "npm", "node_modules", ".bin", "webtorrent");
        if (!Files.isExecutable(program)) {
            throw new AssertionError("webtorrent-cli is not installed in " + program.getParent()
                    + ": run src/bench/setup-peers.sh (.ci/run does) first");
        }
        return program.toString();
    }
}
