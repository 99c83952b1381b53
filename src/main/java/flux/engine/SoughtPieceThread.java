package flux.engine;

import bt.data.ChunkDescriptor;
import bt.data.ChunkVerifier;
import bt.data.DataDescriptor;
import bt.metainfo.TorrentId;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.BlockCache;
import bt.torrent.data.BlockRead;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * bt's data work (writing the blocks that come, checking each piece once all of it is in, reading
 * blocks for uploads) on two threads. A piece a reader waits on when its first block comes (a
 * seek's, the file's first) has a thread of its own, which hashes its blocks as it writes them
 * ({@link InOrderHashes}), so it is checked the moment its last block is in; everything else is
 * done as bt does it, in the order it came, on the other. bt's one thread spent ~5 ms of CPU per
 * MiB (writes, and SHA-1 under C1), and a seek's 1 MiB piece waited there behind the read-ahead
 * received before it, then for its own hash: ~13 ms from its last block to the answer on the
 * loopback bench, where the seeder had sent all of it ~4 ms after the ask. Which thread a piece's
 * blocks go to is decided at its first block, so no piece is written by both. (One thread taking
 * sought pieces first instead held back the read-ahead's blocks, which bt frees from its receive
 * buffer only in the order they came, so a sought piece's later blocks were read later:
 * src/bench/HISTORY.md, session 50.)
 */
final class SoughtPieceThread implements DataWorker {
    private static final Logger log = LoggerFactory.getLogger(SoughtPieceThread.class);
    private static final Exception QUEUE_FULL = new IllegalStateException("too many blocks waiting to be written or read");

    private record Piece(TorrentId torrent, int index) {
    }

    private final TorrentRegistry torrents;
    private final ChunkVerifier verifier;
    private final BlockCache cache;
    private final BiPredicate<TorrentId, Integer> waitedOn;
    private final ExecutorService inOrder;
    private final ExecutorService sought;
    /**
     * Per piece with blocks under way: whether they go to the sought pieces' thread. Kept until
     * the piece is verified, so that no piece is ever written by both threads at once.
     */
    private final Map<Piece, Boolean> onSoughtThread = new ConcurrentHashMap<>();
    /** The sought pieces' thread's alone. */
    private final InOrderHashes hashes;
    private final int mostPending;
    private final AtomicInteger pending = new AtomicInteger();

    /**
     * @param waitedOn    whether a reader waits on a torrent's piece
     * @param name        the start of the threads' names
     * @param mostPending how many writes and reads may wait; more are refused, as bt does
     */
    SoughtPieceThread(TorrentRegistry torrents, ChunkVerifier verifier, BlockCache cache,
                      BiPredicate<TorrentId, Integer> waitedOn, InOrderHashes hashes, String name, int mostPending) {
        this.torrents = torrents;
        this.verifier = verifier;
        this.cache = cache;
        this.waitedOn = waitedOn;
        this.hashes = hashes;
        this.mostPending = mostPending;
        this.inOrder = Executors.newSingleThreadExecutor(r -> daemon(r, name + ".data"));
        this.sought = Executors.newSingleThreadExecutor(r -> daemon(r, name + ".sought-data"));
    }

    /** Stops both threads; what is queued is dropped. */
    void shutdownNow() {
        inOrder.shutdownNow();
        sought.shutdownNow();
    }

    @Override
    public CompletableFuture<BlockRead> addBlockRequest(TorrentId torrent, Peer peer, int piece, int offset, int length) {
        if (!data(torrent).getBitfield().isVerified(piece)) {
            return CompletableFuture.completedFuture(BtDataResults.readRefused(peer, piece, offset, length));
        }
        if (!reserve()) {
            log.warn("Not reading piece {} at {} for {}: {}", piece, offset, peer, QUEUE_FULL.getMessage());
            return CompletableFuture.completedFuture(BtDataResults.readFailed(peer, QUEUE_FULL, piece, offset, length));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return BtDataResults.read(peer, piece, offset, length, cache.get(torrent, piece, offset, length));
            } catch (Throwable e) { // bt expects a result, never a failed future
                log.error("Could not read piece {} at {} for {}", piece, offset, peer, e);
                return BtDataResults.readFailed(peer, e, piece, offset, length);
            } finally {
                pending.decrementAndGet();
            }
        }, inOrder);
    }

    @Override
    public CompletableFuture<BlockWrite> addBlock(TorrentId torrent, Peer peer, int piece, int offset, BufferedData block) {
        int length = block.length();
        if (!reserve()) {
            block.dispose();
            return CompletableFuture.completedFuture(BtDataResults.writeFailed(peer, QUEUE_FULL, piece, offset, length));
        }
        Piece key = new Piece(torrent, piece);
        // decided at a piece's first block, so that each piece's blocks are written on one thread
        boolean soughtPiece = onSoughtThread.computeIfAbsent(key, k -> waitedOn.test(torrent, piece));
        return CompletableFuture.supplyAsync(() -> {
            try {
                DataDescriptor data = data(torrent);
                ChunkDescriptor chunk = data.getChunkDescriptors().get(piece);
                if (chunk.isComplete()) { // in already, and checked or being checked
                    if (data.getBitfield().isVerified(piece)) {
                        onSoughtThread.remove(key); // a late copy of a block: nothing more is written to it
                    }
                    return BtDataResults.writeRefused(peer, piece, offset, length);
                }
                if (soughtPiece) {
                    hashes.add(torrent, piece, chunk, offset, block.buffer());
                }
                chunk.getData().getSubrange(offset).putBytes(block.buffer());
                CompletableFuture<Boolean> check = chunk.isComplete() ? CompletableFuture.supplyAsync(
                        () -> check(key, data, chunk, soughtPiece), soughtPiece ? sought : inOrder) : null;
                return BtDataResults.written(peer, piece, offset, length, check);
            } catch (Throwable e) { // as above; a storage failure comes as an UncheckedIOException (WriteFailures)
                if (soughtPiece) {
                    hashes.forget(torrent, piece);
                }
                return BtDataResults.writeFailed(peer, e, piece, offset, length);
            } finally {
                pending.decrementAndGet();
                block.dispose();
            }
        }, soughtPiece ? sought : inOrder);
    }

    /** A piece that does not match its hash is cleared, to be downloaded again. */
    private boolean check(Piece key, DataDescriptor data, ChunkDescriptor chunk, boolean soughtPiece) {
        Boolean hashed = soughtPiece ? hashes.verdict(key.torrent(), key.index(), chunk) : null;
        boolean good = hashed != null ? hashed : verifier.verify(chunk);
        if (good) {
            data.getBitfield().markLocalPieceVerified(key.index());
            onSoughtThread.remove(key);
        } else {
            chunk.clear(); // fetched again, on the same thread: blocks of it may be queued there still
        }
        return good;
    }

    private boolean reserve() {
        return pending.getAndUpdate(n -> n < mostPending ? n + 1 : n) < mostPending;
    }

    private DataDescriptor data(TorrentId torrent) {
        return torrents.getDescriptor(torrent).orElseThrow().getDataDescriptor();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
