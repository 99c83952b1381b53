package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A global download limit (bt 1.10 has none), as a token bucket. Every block that arrives is
 * charged to it ({@link #charging}), and while it is in debt bt's receiving loop, which reads every
 * peer socket, waits instead of selecting ({@link FairSelector}): unread bytes fill the socket
 * buffers and TCP slows the peers down. bt's requests and piece assignment go on as before, so a
 * seek still has its piece asked for first; only the rate is capped, and nothing waits on bt's
 * message loop. A seek is exempt: while a reader waits on a piece it sought
 * ({@link UrgentRequests#seeking}) nothing waits and nothing is charged, since the bytes ahead
 * of that piece in the sockets would otherwise come in at the limit first, and then the next
 * piece after the debt they ran up. Users capping a stream near its bitrate ask for just that
 * (peerflix #125: "full speed after a seek"); the burst is what was in flight plus the piece.
 */
final class DownloadLimit {
    /** Bytes that may come at once after a quiet spell: a quarter of a second's worth. */
    private static final long BURST_NANOS = 250_000_000L;

    private final double nanosPerByte;
    /** When the bytes received so far are paid for at the limit; never more than the burst in the past. */
    private final AtomicLong paidUntil;
    /** True while a seek is under way: nothing waits and nothing is charged. */
    private final BooleanSupplier exempt;

    DownloadLimit(long bytesPerSecond, long nowNanos, BooleanSupplier exempt) {
        this.nanosPerByte = 1e9 / bytesPerSecond;
        this.paidUntil = new AtomicLong(nowNanos - BURST_NANOS);
        this.exempt = exempt;
    }

    /** How long reading from peers must wait for the bytes already in to be paid for; 0 or less: none. */
    long readPauseNanos(long nowNanos) {
        return exempt.getAsBoolean() ? 0 : paidUntil.get() - nowNanos;
    }

    void charge(long bytes, long nowNanos) {
        long cost = (long) (bytes * nanosPerByte);
        // a quiet spell earns at most the burst, not an unlimited credit
        paidUntil.accumulateAndGet(nowNanos, (until, now) -> Math.max(until, now - BURST_NANOS) + cost);
    }

    /** bt's data worker, charging this limit for every block that arrives outside a seek. */
    DataWorker charging(DataWorker delegate) {
        return new DataWorker() {
            @Override
            public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int pieceIndex, int offset,
                                                          BufferedData buffer) {
                if (!exempt.getAsBoolean()) {
                    charge(buffer.length(), System.nanoTime());
                }
                return delegate.addBlock(torrentId, peer, pieceIndex, offset, buffer);
            }

            @Override
            public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int pieceIndex,
                                                                int offset, int length) {
                return delegate.addBlockRequest(torrentId, peer, pieceIndex, offset, length);
            }
        };
    }
}
