package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.EngineSettings;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Peer-side network options shared by every command that joins a swarm. */
public class NetworkOptions {
    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address for the peer port, outgoing peer connections and http:// and udp:// tracker announces (default: ${DEFAULT-VALUE}, all interfaces).")
    String bind;

    @Option(names = "--peer-port", paramLabel = "PORT",
            description = "TCP port for incoming peers (default: " + EngineSettings.DEFAULT_PEER_PORT
                    + ", or a free one when it is taken; 0 = any).")
    Integer peerPort;

    @Option(names = "--dht", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Join the Mainline DHT to find peers (default: on; --no-dht turns it off).")
    boolean dht;

    @Option(names = "--dht-port", paramLabel = "PORT",
            description = "UDP port for the DHT (default: the peer port + 1; the peer port's own UDP refuses uTP, "
                    + "so that peers that dial uTP first turn to TCP at once).")
    Integer dhtPort;

    @Option(names = "--upnp", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Ask the router (NAT-PMP or UPnP) to forward the peer port and the DHT's to this machine, so that peers "
                    + "behind other NATs can connect (default: on; --no-upnp turns it off; never while --bind is a loopback address).")
    boolean upnp;

    @Option(names = "--lsd", defaultValue = "false",
            description = "Local Service Discovery: find peers on the LAN by multicast (default: off).")
    boolean lsd;

    @Option(names = "--pex", defaultValue = "false",
            description = "Peer Exchange (default: off: bt 1.10 drops peers that send an empty PEX message, as aria2c does).")
    boolean pex;

    @Option(names = "--require-encryption", defaultValue = "false",
            description = "Encrypted peer connections only (Message Stream Encryption): plaintext ones are refused "
                    + "(default: both; a peer that requires encryption gets it).")
    boolean requireEncryption;

    @Option(names = "--max-peers", paramLabel = "N", defaultValue = "60",
            description = "Most peer connections per torrent (default: ${DEFAULT-VALUE}).")
    int maxPeers;

    @Option(names = "--upload-limit", paramLabel = "RATE", defaultValue = "0",
            description = "Most bytes per second uploaded, all torrents together (e.g. 500K, 2M; default: ${DEFAULT-VALUE}, no limit).")
    String uploadLimit;

    @Option(names = "--download-limit", paramLabel = "RATE", defaultValue = "0",
            description = "Most bytes per second downloaded, all torrents together (e.g. 2M; default: ${DEFAULT-VALUE}, no limit). "
                    + "A player's seek is exempt: its piece comes at full speed.")
    String downloadLimit;

    public EngineSettings settings() {
        InetAddress address = address("--bind", bind);
        if (maxPeers < 1) {
            throw new FluxException(ExitCode.USAGE, "--max-peers must be at least 1");
        }
        if (peerPort != null) {
            checkPort("--peer-port", peerPort);
        }
        if (dhtPort != null) {
            checkPort("--dht-port", dhtPort);
        }
        return EngineSettings.defaults()
                .withBind(address)
                .withPeerPort(peerPort == null ? EngineSettings.DEFAULT_PEER_PORT : peerPort)
                .withDht(dht)
                .withDhtPort(dhtPort == null ? EngineSettings.DHT_NEXT_TO_PEER_PORT : dhtPort)
                .withLsd(lsd)
                .withUpnp(upnp)
                .withMaxPeers(maxPeers)
                .withPex(pex)
                .withRequireEncryption(requireEncryption)
                .withUploadLimit(flux.seed.PieceSizes.parse(uploadLimit))
                .withDownloadLimit(flux.seed.PieceSizes.parse(downloadLimit));
    }

    /** The address an option names, or a bad-input error saying which option and what to give. */
    static InetAddress address(String option, String value) {
        try {
            return InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw new FluxException(ExitCode.BAD_INPUT, option + ": unknown address '" + value + "'",
                    "give an IP address such as 127.0.0.1 (this machine) or 0.0.0.0 (every interface)");
        }
    }

    /** A TCP/UDP port number, 0 meaning any free one. */
    static void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new FluxException(ExitCode.USAGE, option + " must be between 0 and 65535 (0: any free port), not " + port);
        }
    }

    public boolean peerPortChosen() {
        return peerPort != null;
    }
}
