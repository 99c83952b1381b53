package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * bt's data worker, watching for blocks that cannot be written (a full disk, a file size limit).
 * bt only logs such a failure and asks a peer for the block again, so a stream on a full disk
 * stayed "buffering" forever; the first failure is handed to the listener instead, once.
 */
final class WriteFailures implements DataWorker {
    private final DataWorker delegate;
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile Consumer<IOException> listener;

    WriteFailures(DataWorker delegate) {
        this.delegate = delegate;
    }

    /** Who hears of the first block that could not be written. */
    void listen(Consumer<IOException> listener) {
        this.listener = listener;
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrentId, Peer peer, int pieceIndex, int offset, int length) {
        return delegate.addBlockRequest(torrentId, peer, pieceIndex, offset, length);
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrentId, Peer peer, int pieceIndex, int offset, BufferedData buffer) {
        return delegate.addBlock(torrentId, peer, pieceIndex, offset, buffer).thenApply(write -> {
            write.getError().ifPresent(this::check);
            return write;
        });
    }

    /** Only the storage's own failures count: a full write queue, say, is bt's to retry. */
    private void check(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException io) { // bt wraps it in an UncheckedIOException
                report(io);
                return;
            }
        }
    }

    private void report(IOException e) {
        Consumer<IOException> l = listener;
        if (l != null && reported.compareAndSet(false, true)) {
            l.accept(e);
        }
    }
}
