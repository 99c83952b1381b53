package flux.engine;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Collection;

/**
 * How much bt keeps requested ahead from each peer: whole pieces assigned to it, and blocks asked
 * for and not come yet. Peers answer requests in order, so a seek waits behind everything already
 * asked for, while a distant peer needs its bandwidth-delay product in flight to send at full
 * speed. Measured on the loopback swarm (two seeders, 256 KiB pieces): 4 MiB in flight gave
 * 35-60 ms per seek and 80-120 ms for a read at 90 % right after start, 1 MiB 15-25 ms and 30-45
 * ms, both ~100 MiB/s for the whole file; with the same seeders 25 ms away (50 ms round trip) 4
 * MiB gave 55 MiB/s and 1 MiB 15.7. So the shallow depth is used only when every peer known when
 * the torrent is set up is on this machine or the local network, and one of them is connected and
 * answers requests at once; anything else keeps the deep one. bt reads both numbers once per
 * torrent, when it sets the torrent up (for a .torrent file: before any peer is connected);
 * {@link PeerQueues} holds a near peer that answers at once to the shallow number of blocks later.
 */
final class RequestDepth {
    /** Pieces assigned per peer when all peers are near: a few milliseconds of a LAN link. */
    static final long NEAR_BYTES = 1L << 20;
    /**
     * Blocks in flight per near peer, whatever the piece size. A block a seek needs first arrives
     * behind those asked before it, most of them already sent and waiting in socket buffers where
     * a Cancel cannot reach them: with 1 MiB (64 blocks) the sought piece's first block came 2-28
     * ms after it was asked for (lab, 256 KiB pieces), and 10-32 ms behind the window bt asks for
     * between seeks (1 MiB pieces, a traced run). Shallower queues alone made seeks slower (the
     * sought piece went out in as small batches), so a sought piece is asked for whole at once
     * ({@link PeerQueues#urgentLimit}). Alternating lab pairs with that: 1 MiB pieces against 1 MiB
     * in flight, fetched seeks 29 -> 23 ms and T2 46 -> 35 ms; 256 KiB pieces against 384 KiB, 6
     * pairs of 2 rounds, fetched seeks p25 / median / p75 12-13 / 15 / 19-20 -> 10 / 13 / 16 ms and
     * T2 18-21 -> 16-17 ms; the whole file the same at both sizes.
     */
    static final long NEAR_IN_FLIGHT_BYTES = 128L << 10;
    /**
     * Blocks in flight per distant peer (~8 MiB), kept within the request queue peers keep
     * ({@link PeerQueues#MOST_REQUESTS}): bt sends requests while at most this many are pending,
     * so up to one more is. {@link PeerQueues} holds each peer to fewer, what it sent lately.
     */
    static final int FAR_REQUESTS = PeerQueues.MOST_REQUESTS - 1;

    /** Pieces assigned to each peer, and blocks asked of it that have not come yet. */
    record Depth(int pieces, int requests) {
    }

    /**
     * A peer known when the torrent is set up.
     *
     * @param answersAtOnce connected, and its client sends blocks as soon as they are asked for
     *                      (see {@link PeerClients}); false when not known
     */
    record Known(InetAddress address, boolean answersAtOnce) {
    }

    private RequestDepth() {
    }

    /**
     * @param peers     the peers known now
     * @param farBytes  assigned per peer otherwise (the engine's setting)
     * @param pieceSize the torrent's piece length
     * @param blockSize bytes per request
     */
    static Depth of(Collection<Known> peers, long farBytes, long pieceSize, int blockSize) {
        // shallow only where it pays: every peer near, and one of them known to answer at once (a
        // swarm of Transmission seeders on the LAN needs the deep depth to send at LAN speed)
        boolean near = peers.stream().allMatch(p -> isNear(p.address())) && peers.stream().anyMatch(Known::answersAtOnce);
        long bytes = near ? Math.min(NEAR_BYTES, farBytes) : farBytes;
        // at least two pieces, so the next one is requested while the last blocks of one arrive;
        // four for distant peers, whose round trip is longer than a piece takes to arrive
        int atLeast = near ? 2 : 4;
        int pieces = (int) Math.max(atLeast, Math.min(64, bytes / pieceSize));
        int requests = near ? nearRequests(blockSize) : FAR_REQUESTS;
        return new Depth(pieces, requests);
    }

    /** Blocks in flight to a near peer that answers at once: {@link #NEAR_IN_FLIGHT_BYTES}. */
    static int nearRequests(int blockSize) {
        return (int) Math.max(1, NEAR_IN_FLIGHT_BYTES / blockSize);
    }

    /** Loopback, private (RFC 1918, IPv6 unique local) or link-local. */
    static boolean isNear(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()) {
            return true;
        }
        return address instanceof Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }
}
