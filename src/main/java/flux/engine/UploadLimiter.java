package flux.engine;

import bt.net.buffer.BufferedData;
import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import com.google.common.util.concurrent.RateLimiter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A global upload limit (bt 1.10 has none). Every block a peer asked for is read as usual, then
 * handed out by one thread that takes its bytes from a token bucket, so the blocks of all torrents
 * and peers together leave at the limit; nothing on bt's own threads waits.
 */
final class UploadLimiter implements DataWorker {
    private final DataWorker delegate;
    private final RateLimiter limiter;
    private final ExecutorService gate = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flux-upload-limit");
        t.setDaemon(true);
        return t;
    });

    UploadLimiter(DataWorker delegate, long bytesPerSecond) {
        this.delegate = delegate;
        this.limiter = RateLimiter.create(bytesPerSecond);
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        return delegate.addBlockRequest(torrentId, peer, pieceIndex, offset, length).thenApplyAsync(block -> {
            limiter.acquire(length);
            return block;
        }, gate);
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int pieceIndex, int offset, BufferedData buffer) {
        return delegate.addBlock(torrentId, peer, pieceIndex, offset, buffer);
    }
}
