package flux.engine;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How the BitTorrent side runs. The defaults are for real use (DHT on, all interfaces); tests
 * and the demo switch everything public off and bind a loopback address.
 *
 * @param bindAddress   address the peer port listens on and outgoing connections leave from
 * @param peerPort      TCP port for incoming peers (0 picks a free one)
 * @param dht           join the Mainline DHT
 * @param dhtPort       UDP port for the DHT, or {@link #DHT_NEXT_TO_PEER_PORT}
 * @param lsd           Local Service Discovery (multicasts on the LAN every minute)
 * @param inFlightBytes how much to request from one distant peer ahead of time: deep enough for
 *                      throughput, shallow enough that a seek is not stuck behind old requests
 *                      (peers on this machine or the LAN get less: {@link RequestDepth})
 * @param maxPeers      connection cap per torrent
 * @param stallAfter    no progress for this long with data still wanted: the watchdog reconnects
 *                      (longer under a low download limit: {@link #stallWindow})
 * @param uploadLimit   bytes per second for all uploads together, 0 for no limit
 * @param downloadLimit bytes per second for all downloads together, 0 for no limit
 * @param pex           Peer Exchange (off by default: see Engine)
 * @param requireEncryption every peer connection encrypted (MSE): plaintext ones refused, none
 *                      dialled in plaintext (by default both, encrypted when a peer requires it)
 * @param mostlyUploads an engine that mostly uploads (`flux seed`): no large inbound buffers
 *                      ({@link ConnectionBuffers}), which hold requests there
 * @param upnp          ask the router to forward the peer port and the DHT's ({@link RouterPortMapping});
 *                      never done while bound to a loopback address
 */
public record EngineSettings(InetAddress bindAddress, int peerPort, boolean dht, int dhtPort, boolean lsd,
                             long inFlightBytes, int maxPeers, Duration stallAfter, long uploadLimit, long downloadLimit, boolean pex,
                             boolean requireEncryption, boolean mostlyUploads, boolean upnp) {

    public static final int DEFAULT_PEER_PORT = 6881;
    /**
     * The DHT's port unless one is chosen: the one after the peer port, whose own UDP side
     * refuses uTP ({@link UtpRefusal}), which a DHT sharing it could not.
     */
    public static final int DHT_NEXT_TO_PEER_PORT = -1;

    /**
     * 8 MiB of pieces assigned per distant peer; {@link PeerQueues} holds each peer to what it
     * sent in the last 1.5 s, so a slow peer is asked for less, and a seek cancels what it was
     * asked for ({@link UrgentRequests}). A Transmission seeder sends at its half-second pulse
     * what it holds requests for, and sends on between pulses only while requests keep coming:
     * alone on this machine, its requests left in place, it sent 8 MiB/s with 4 MiB assigned (256
     * blocks), 16–50 MiB/s with 8 MiB (499). On four libtorrent seeders at 0.5 MB/s the two
     * measured the same (seeks 1.40 / 1.39 s, mpv's start 6.44 / 6.51 s). Before those two
     * classes existed 8 MiB slowed a read at 90 % right after start on the loopback bench (0.22 s
     * against 0.13 s with 4 MiB); peers there and on the LAN that answer at once get the shallow
     * depth now ({@link RequestDepth}).
     */
    public static EngineSettings defaults() {
        return new EngineSettings(anyAddress(), DEFAULT_PEER_PORT, true, DHT_NEXT_TO_PEER_PORT, false,
                8L << 20, 60, Duration.ofSeconds(10), 0, 0, false, false, false, true);
    }

    public EngineSettings withBind(InetAddress address) {
        return new EngineSettings(address, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withPeerPort(int port) {
        return new EngineSettings(bindAddress, port, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withDht(boolean on) {
        return new EngineSettings(bindAddress, peerPort, on, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withDhtPort(int port) {
        return new EngineSettings(bindAddress, peerPort, dht, port, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withLsd(boolean on) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, on, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withMaxPeers(int peers) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, peers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withUploadLimit(long bytesPerSecond) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, bytesPerSecond, downloadLimit, pex, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withDownloadLimit(long bytesPerSecond) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, bytesPerSecond, pex, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withPex(boolean on) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, on, requireEncryption, mostlyUploads, upnp);
    }

    public EngineSettings withRequireEncryption(boolean on) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, on, mostlyUploads, upnp);
    }

    public EngineSettings withMostlyUploads(boolean on) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption, on, upnp);
    }

    public EngineSettings withUpnp(boolean on) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption, mostlyUploads, on);
    }

    /** The DHT's UDP port when the peer port is {@code peerPort}. */
    int dhtPortFor(int peerPort) {
        if (dhtPort != DHT_NEXT_TO_PEER_PORT) {
            return dhtPort;
        }
        return peerPort < 65535 ? peerPort + 1 : peerPort - 1;
    }

    /**
     * {@link #stallAfter}, or the time four blocks (64 KiB) take at the download limit when that
     * is longer: under a limit that low, a quiet spell is the limit at work, not a wedged peer.
     */
    public Duration stallWindow() {
        if (downloadLimit <= 0) {
            return stallAfter;
        }
        Duration fourBlocks = Duration.ofMillis((64L << 10) * 1000 / downloadLimit);
        return fourBlocks.compareTo(stallAfter) > 0 ? fourBlocks : stallAfter;
    }

    static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
