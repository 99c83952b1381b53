package flux.engine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Collection;

/**
 * How many pieces bt keeps requested ahead from each peer. Peers answer requests in order, so a
 * seek waits behind everything already asked for, while a distant peer needs its
 * bandwidth-delay product in flight to send at full speed. Measured on the loopback swarm (two
 * seeders, 256 KiB pieces): 4 MiB in flight gave 35-60 ms per seek and 80-120 ms for a read at
 * 90 % right after start, 1 MiB 15-25 ms and 30-45 ms, both ~100 MiB/s for the whole file;
 * with the same seeders 25 ms away (50 ms round trip) 4 MiB gave 55 MiB/s and 1 MiB 15.7.
 * So the shallow depth is used only when every peer connected when the torrent is set up is
 * on this machine or the local network; anything else keeps the deep one. bt reads the depth
 * once per torrent, when it sets the torrent up.
 */
final class RequestDepth {
    /** In flight per peer when all peers are near: a few milliseconds of a LAN link. */
    static final long NEAR_BYTES = 1L << 20;

    private RequestDepth() {
    }

    /**
     * @param peers     addresses of the peers connected now
     * @param farBytes  in flight per peer otherwise (the engine's setting)
     * @param pieceSize the torrent's piece length
     * @return pieces to keep requested per peer
     */
    static int pieces(Collection<InetAddress> peers, long farBytes, long pieceSize) {
        boolean near = !peers.isEmpty() && peers.stream().allMatch(RequestDepth::isNear);
        long bytes = near ? Math.min(NEAR_BYTES, farBytes) : farBytes;
        // at least two pieces, so the next one is requested while the last blocks of one arrive;
        // four for distant peers, whose round trip is longer than a piece takes to arrive
        int atLeast = near ? 2 : 4;
        return (int) Math.max(atLeast, Math.min(64, bytes / pieceSize));
    }

    /** Loopback, private (RFC 1918, IPv6 unique local) or link-local. */
    static boolean isNear(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
            return true;
        }
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }
}
