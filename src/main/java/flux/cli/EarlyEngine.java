package flux.cli;

import flux.engine.Engine;
import flux.engine.EngineSettings;
import flux.engine.TorrentInput;
import flux.engine.WebSeedHead;
import flux.seed.PieceSizes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts the engine of `flux stream MAGNET` (or `FILE.torrent`) from the raw arguments, on another
 * thread, while picocli builds its model and the HTTP server starts (~0.3 s on 2 cores): bt's
 * wiring and the peer scout's first announce no longer wait for them, and seeders that answer a
 * new connection on their own clock (aria2c on a ~1 s tick) get the connection sooner. Only the
 * network options, the torrent and its added trackers and peers are read here; the command takes
 * the engine over only if its parsed settings are exactly these ({@link Engine#startAhead}), so a
 * misreading costs time, never a wrong setting. When the environment or the config file sets a
 * network option, a tracker or a peer, nothing is started early.
 */
public final class EarlyEngine {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    /** NetworkOptions' options, as config-file keys (a test compares them with the mixin). */
    static final List<String> NETWORK_OPTIONS =
            List.of("bind", "peer-port", "dht", "dht-port", "upnp", "lsd", "pex", "require-encryption", "max-peers", "upload-limit",
                    "download-limit");
    /** What the engine started ahead depends on, as config-file keys. */
    private static final List<String> CONFIGURED_ELSEWHERE =
            Stream.concat(NETWORK_OPTIONS.stream(), Stream.of("tracker", "peer")).toList();
    static final List<String> OPTIONS_WITH_VALUE =
            List.of("--bind", "--peer-port", "--dht-port", "--max-peers", "--upload-limit", "--download-limit");
    /** The stream's own option the engine needs: the scout asks the added trackers too. */
    static final List<String> TRACKER_OPTIONS = List.of("-t", "--tracker");
    /** The stream's options that say which file it plays: the one whose head a web seed is asked for ahead. */
    static final List<String> SELECT_OPTIONS = List.of("-s", "--select");
    /** The stream's own option the scout dials too (an IP address only: a name would need a DNS lookup here). */
    static final String PEER_OPTION = "--peer";
    /** flux's flags that may come before the command name (FluxCommand's -v and -q, alone or together). */
    private static final Pattern GLOBAL_FLAGS = Pattern.compile("-[vq]+|--verbose|--quiet");

    private EarlyEngine() {
    }

    /**
     * What the engine is started with, as read from the raw arguments of `flux stream`, and which
     * file it plays ({@code select}, null for the default; {@code list}: none, the files are listed).
     */
    record Reading(EngineSettings settings, boolean portChosenByUser, TorrentInput input, List<InetSocketAddress> namedPeers,
                   String select, boolean list) {
    }

    public static void start(String[] args) {
        Optional<Reading> reading = read(args);
        if (reading.isEmpty()) {
            return;
        }
        Reading r = reading.get();
        ConfigDefaults config = configDefaults(); // read once: the config file is I/O on the way to the first byte
        if (!configures(config, CONFIGURED_ELSEWHERE)) {
            Engine.startAhead(r.settings(), r.portChosenByUser(), r.input(), r.namedPeers());
        }
        if (!r.list() && !configures(config, List.of("select", "list"))) {
            WebSeedHead.start(r.input(), meta -> FileChooser.choose(meta, r.select()));
        }
    }

    /** The engine settings picocli would parse from these arguments, if this simple reading is sure of them. */
    static Optional<Reading> read(String[] args) {
        int command = 0;
        while (command < args.length && GLOBAL_FLAGS.matcher(args[command]).matches()) {
            command++; // `flux -v stream ...`: flux's own flags, inherited by every command
        }
        if (args.length < command + 2 || !"stream".equals(args[command])) {
            return Optional.empty();
        }
        String bind = "0.0.0.0";
        Integer peerPort = null;
        EngineSettings settings = EngineSettings.defaults();
        String torrent = null;
        List<String> trackers = new ArrayList<>();
        List<InetSocketAddress> namedPeers = new ArrayList<>();
        String select = null;
        boolean list = false;
        try {
            for (int i = command + 1; i < args.length; i++) {
                String arg = args[i];
                String name = arg.startsWith("--") && arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                boolean attached = name.length() < arg.length();
                String value = null;
                if (OPTIONS_WITH_VALUE.contains(name) || TRACKER_OPTIONS.contains(name) || PEER_OPTION.equals(name)
                        || SELECT_OPTIONS.contains(name)) {
                    if (attached) {
                        value = arg.substring(name.length() + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        return Optional.empty();
                    }
                } else if (attached && NETWORK_OPTIONS.contains(name.substring(2))) {
                    return Optional.empty(); // --lsd=true and the like: picocli's business
                }
                switch (name) {
                    case "--bind" -> bind = value;
                    case "--peer-port" -> peerPort = Integer.parseInt(value);
                    case "--dht-port" -> settings = settings.withDhtPort(Integer.parseInt(value));
                    case "--max-peers" -> settings = settings.withMaxPeers(Integer.parseInt(value));
                    case "--upload-limit" -> settings = settings.withUploadLimit(PieceSizes.parse(value));
                    case "--download-limit" -> settings = settings.withDownloadLimit(PieceSizes.parse(value));
                    case "--dht" -> settings = settings.withDht(true);
                    case "--no-dht" -> settings = settings.withDht(false);
                    case "--upnp" -> settings = settings.withUpnp(true);
                    case "--no-upnp" -> settings = settings.withUpnp(false);
                    case "--lsd" -> settings = settings.withLsd(true);
                    case "--pex" -> settings = settings.withPex(true);
                    case "--require-encryption" -> settings = settings.withRequireEncryption(true);
                    case "--tracker", "-t" -> trackers.add(value);
                    case "--select", "-s" -> select = value;
                    case "--list", "-l" -> list = true;
                    case PEER_OPTION -> {
                        if (!IP_LITERAL.matcher(StreamCommand.peerHost(value)).matches()) {
                            return Optional.empty();
                        }
                        namedPeers.add(StreamCommand.peerAddress(value));
                    }
                    default -> {
                        if (torrent == null && (arg.regionMatches(true, 0, "magnet:", 0, 7)
                                || TorrentInput.HEX40.matcher(arg).matches()
                                || arg.toLowerCase(Locale.ROOT).endsWith(".torrent"))) {
                            torrent = arg; // a .torrent file is read on the scout's thread, not here
                        }
                    }
                }
            }
            if (torrent == null || !IP_LITERAL.matcher(bind).matches() || (peerPort != null && peerPort < 0)
                    || settings.maxPeers() < 1) {
                return Optional.empty();
            }
            settings = settings.withBind(InetAddress.getByName(bind))
                    .withPeerPort(peerPort == null ? EngineSettings.DEFAULT_PEER_PORT : peerPort);
            return Optional.of(new Reading(settings, peerPort != null, TorrentInput.parse(torrent).withTrackers(trackers),
                    List.copyOf(namedPeers), select, list));
        } catch (RuntimeException | UnknownHostException e) {
            return Optional.empty(); // picocli and the command report bad input properly
        }
    }

    /** The environment's and the config file's defaults; null when the file is malformed (the command reports it). */
    private static ConfigDefaults configDefaults() {
        try {
            return ConfigDefaults.fromSystem();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * True when the environment or the config file sets one of these options (config-file keys)
     * for `flux stream`, or the file is malformed.
     */
    private static boolean configures(ConfigDefaults config, List<String> keys) {
        return config == null || config.setsAny("stream", keys);
    }
}
