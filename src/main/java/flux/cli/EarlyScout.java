package flux.cli;

import flux.engine.Engine;
import flux.engine.EngineSettings;
import flux.engine.TorrentInput;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Starts the peer scout of `flux stream MAGNET` (or `FILE.torrent`) from the raw arguments,
 * ~0.2 s before picocli has built its model: seeders answer a new connection on their own clock
 * (aria2c on a ~1 s tick), so the sooner the connection exists, the sooner the metadata comes.
 * Only the options the scout depends on are read here; the engine takes the scout over only if
 * the parsed command agrees on all of them (see {@link Engine#scoutAhead}), so a misreading here
 * costs an unused announce, never a wrong setting. Settings from the environment or the config file are left to
 * picocli: with one of those the scout simply starts at the usual time.
 */
public final class EarlyScout {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private EarlyScout() {
    }

    /** What the scout needs, as read from the raw arguments of `flux stream`. */
    record Reading(EngineSettings settings, boolean portChosenByUser, TorrentInput input) {
    }

    public static void start(String[] args) {
        if (configuredElsewhere()) {
            return;
        }
        read(args).ifPresent(r -> Engine.scoutAhead(r.settings(), r.portChosenByUser(), r.input()));
    }

    static Optional<Reading> read(String[] args) {
        if (args.length < 2 || !"stream".equals(args[0])) {
            return Optional.empty();
        }
        String bind = "0.0.0.0";
        Integer peerPort = null;
        boolean dht = true;
        String torrent = null;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String next = i + 1 < args.length ? args[i + 1] : null;
            if (arg.equals("--bind") && next != null) {
                bind = next;
                i++;
            } else if (arg.startsWith("--bind=")) {
                bind = arg.substring("--bind=".length());
            } else if (arg.equals("--peer-port") && next != null) {
                peerPort = port(next);
                i++;
            } else if (arg.startsWith("--peer-port=")) {
                peerPort = port(arg.substring("--peer-port=".length()));
            } else if (arg.equals("--no-dht")) {
                dht = false;
            } else if (arg.equals("--dht")) {
                dht = true;
            } else if (torrent == null && (arg.regionMatches(true, 0, "magnet:", 0, 7)
                    || arg.toLowerCase(Locale.ROOT).endsWith(".torrent"))) {
                torrent = arg; // a .torrent file is read on the scout's thread, not here
            }
        }
        if (torrent == null || !IP_LITERAL.matcher(bind).matches() || (peerPort != null && peerPort < 0)) {
            return Optional.empty();
        }
        try {
            EngineSettings settings = EngineSettings.defaults().withBind(InetAddress.getByName(bind))
                    .withPeerPort(peerPort == null ? EngineSettings.DEFAULT_PEER_PORT : peerPort).withDht(dht);
            return Optional.of(new Reading(settings, peerPort != null, TorrentInput.parse(torrent)));
        } catch (RuntimeException | java.net.UnknownHostException e) {
            return Optional.empty(); // picocli and the command report bad input properly
        }
    }

    /**
     * True when the environment sets an option the scout depends on. (A config file that does is
     * not read here: the engine then finds the settings differ and starts its own scout.)
     */
    private static boolean configuredElsewhere() {
        for (String name : System.getenv().keySet()) {
            String upper = name.toUpperCase(Locale.ROOT);
            if (upper.equals("FLUX_BIND") || upper.equals("FLUX_PEER_PORT") || upper.equals("FLUX_DHT")
                    || upper.equals("FLUX_NO_DHT")) {
                return true;
            }
        }
        return false;
    }

    private static int port(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
