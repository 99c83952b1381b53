package flux.engine;

import bt.data.ChunkDescriptor;
import bt.metainfo.TorrentId;
import bt.net.buffer.ByteBufferView;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A sought piece's SHA-1 worked out as its blocks are written, in order, so that the piece is
 * checked the moment its last block is in. bt hashes a piece only then, reading all of it back:
 * 3–9 ms for a 1 MiB piece under C1 on the benchmark's VM. A block that comes ahead of the ones
 * before it is hashed when they are in (read back, as bt would); a block written over one already
 * hashed leaves the piece to be hashed whole ({@link #verdict} says so), since what is on the disk
 * is what counts.
 *
 * <p>Used by one thread alone ({@link SoughtPieceThread}'s for sought pieces).
 */
final class InOrderHashes {
    /** A SHA-1 being worked out ({@link Sha1Sums} says whose). */
    interface Sum {
        void update(byte[] bytes, int offset, int length);

        byte[] digest();
    }

    private record Key(TorrentId torrent, int piece) {
    }

    private static final class Running {
        final Sum sum;
        long hashedUpTo;

        Running(Sum sum) {
            this.sum = sum;
        }
    }

    private final Map<Key, Running> running = new HashMap<>();
    private final Supplier<Sum> newSum;
    private byte[] scratch = new byte[0];

    /** @param newSum a new SHA-1 sum: {@link Sha1Sums#forThisJvm} */
    InOrderHashes(Supplier<Sum> newSum) {
        this.newSum = newSum;
    }

    /**
     * Takes in a block about to be written at {@code offset} of the piece (the view is not
     * consumed), and whatever of the piece was written after it before.
     */
    void add(TorrentId torrent, int piece, ChunkDescriptor chunk, int offset, ByteBufferView block) {
        Key key = new Key(torrent, piece);
        Running r = running.get(key);
        if (r == null && offset == 0) {
            running.put(key, r = new Running(newSum.get()));
        }
        if (r == null || offset > r.hashedUpTo) {
            return; // hashed once the blocks before it are in
        }
        if (offset < r.hashedUpTo) {
            running.remove(key); // written again, maybe with other bytes: the piece is hashed whole
            return;
        }
        int length = block.remaining();
        r.sum.update(bytes(block.duplicate(), length), 0, length);
        r.hashedUpTo += length;
        long blockSize = chunk.blockSize();
        for (long at = r.hashedUpTo; at < chunk.length() && chunk.isPresent((int) (at / blockSize)); at = r.hashedUpTo) {
            byte[] later = chunk.getData().getSubrange(at, Math.min(blockSize, chunk.length() - at)).getBytes();
            r.sum.update(later, 0, later.length);
            r.hashedUpTo += later.length;
        }
    }

    /**
     * Whether the complete piece matches its hash; null if it was not all hashed in order (then
     * it is hashed whole). Forgets the piece either way.
     */
    Boolean verdict(TorrentId torrent, int piece, ChunkDescriptor chunk) {
        Running r = running.remove(new Key(torrent, piece));
        if (r == null || r.hashedUpTo != chunk.length()) {
            return null;
        }
        return Arrays.equals(r.sum.digest(), chunk.getChecksum());
    }

    /** A block that could not be written: its piece is hashed whole. */
    void forget(TorrentId torrent, int piece) {
        running.remove(new Key(torrent, piece));
    }

    private byte[] bytes(ByteBufferView block, int length) {
        if (scratch.length < length) {
            scratch = new byte[length];
        }
        if (length == scratch.length) {
            block.get(scratch);
            return scratch;
        }
        byte[] exact = new byte[length];
        block.get(exact);
        return exact;
    }
}
