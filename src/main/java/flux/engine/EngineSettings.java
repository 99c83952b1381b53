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
 * @param dhtPort       UDP port for the DHT
 * @param lsd           Local Service Discovery (multicasts on the LAN every minute)
 * @param inFlightBytes how much to request from one distant peer ahead of time: deep enough for
 *                      throughput, shallow enough that a seek is not stuck behind old requests
 *                      (peers on this machine or the LAN get less: {@link RequestDepth})
 * @param maxPeers      connection cap per torrent
 * @param stallAfter    no progress for this long with data still wanted: the watchdog reconnects
 * @param uploadLimit   bytes per second for all uploads together, 0 for no limit
 * @param downloadLimit bytes per second for all downloads together, 0 for no limit
 * @param pex           Peer Exchange (off by default: see Engine)
 * @param requireEncryption every peer connection encrypted (MSE): plaintext ones refused, none
 *                      dialled in plaintext (by default both, encrypted when a peer requires it)
 */
public record EngineSettings(InetAddress bindAddress, int peerPort, boolean dht, int dhtPort, boolean lsd,
                             long inFlightBytes, int maxPeers, Duration stallAfter, long uploadLimit, long downloadLimit, boolean pex,
                             boolean requireEncryption) {

    public static final int DEFAULT_PEER_PORT = 6881;

    /**
     * 4 MiB in flight per peer. Peers answer requests in order, so a seek waits behind what is
     * already asked for: measured on the loopback bench, 8 MiB gave 0.22 s for a 64 KiB read at
     * 90 % right after start, 4 MiB 0.13 s and 2 MiB 0.08 s; throughput was 24.5, 27.8 and
     * 18.6 MiB/s (aria2c: 17.8). 4 MiB is also ~1 s at 4 MiB/s, deep enough for distant peers.
     */
    public static EngineSettings defaults() {
        return new EngineSettings(anyAddress(), DEFAULT_PEER_PORT, true, 6881, false,
                4L << 20, 60, Duration.ofSeconds(10), 0, 0, false, false);
    }

    public EngineSettings withBind(InetAddress address) {
        return new EngineSettings(address, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption);
    }

    public EngineSettings withPeerPort(int port) {
        return new EngineSettings(bindAddress, port, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption);
    }

    public EngineSettings withDht(boolean on) {
        return new EngineSettings(bindAddress, peerPort, on, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption);
    }

    public EngineSettings withDhtPort(int port) {
        return new EngineSettings(bindAddress, peerPort, dht, port, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption);
    }

    public EngineSettings withLsd(boolean on) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, on, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption);
    }

    public EngineSettings withMaxPeers(int peers) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, peers, stallAfter, uploadLimit, downloadLimit, pex, requireEncryption);
    }

    public EngineSettings withUploadLimit(long bytesPerSecond) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, bytesPerSecond, downloadLimit, pex, requireEncryption);
    }

    public EngineSettings withDownloadLimit(long bytesPerSecond) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, bytesPerSecond, pex, requireEncryption);
    }

    public EngineSettings withPex(boolean on) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, on, requireEncryption);
    }

    public EngineSettings withRequireEncryption(boolean on) {
        return new EngineSettings(bindAddress, peerPort, dht, dhtPort, lsd, inFlightBytes, maxPeers, stallAfter, uploadLimit, downloadLimit, pex, on);
    }

    static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
