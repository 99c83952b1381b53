package flux.engine;

import bt.data.BlockSet;
import bt.data.ChunkDescriptor;
import bt.data.DataDescriptor;
import bt.metainfo.TorrentId;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import flux.stream.ReaderPosition;
import flux.stream.ReaderRegistry;
import flux.stream.VerifiedPieces;

import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * The unverified pieces that a torrent's readers sought (opened or jumped to), with the piece
 * after each, and the file's first piece from the start, for {@link UrgentRequests}; a reader
 * reading on is left to bt unless it is hurried (its pieces kept it waiting: {@link
 * ReaderPosition#hurried}), whose piece and the next are then wanted as if sought. bt's message
 * loop asks for them on every turn, so they are worked out only when a reader moves or one of
 * them is verified.
 */
final class WaitedOnPieces implements UrgentRequests.Waiting {
    /**
     * @param hurried the sought pieces that only hurried readers wait on
     * @param seeking true when a reader waits on a piece it opened or jumped to (not only on a hurried reader's)
     */
    private record Snapshot(int[] pieces, BitSet sought, BitSet hurried, boolean seeking) {
    }

    private static final Snapshot NONE = new Snapshot(new int[0], new BitSet(), new BitSet(), false);

    private final TorrentId id;
    private final TorrentRegistry registry;
    private final ReaderRegistry readers;
    private final PlaybackSelector selector;
    private volatile VerifiedPieces verified;
    private volatile List<ChunkDescriptor> chunks;
    private volatile Snapshot now = NONE;
    private volatile int head = -1;

    WaitedOnPieces(TorrentId id, TorrentRegistry registry, ReaderRegistry readers, PlaybackSelector selector) {
        this.id = id;
        this.registry = registry;
        this.readers = readers;
        this.selector = selector;
        readers.onMove(this::update);
    }

    /** The metadata arrived: from now on readers can wait on pieces. */
    void verifiedPieces(VerifiedPieces v) {
        this.verified = v;
        v.onVerified(piece -> {
            for (int p : now.pieces()) {
                if (p == piece) {
                    update();
                    return;
                }
            }
        });
        update();
    }

    /**
     * The piece every player reads first, wanted as if a reader had opened it until it is
     * verified: {@link UrgentRequests} asks up to four peers for it, each for its own share, as
     * they unchoke flux, ahead of bt's requests, which go to one peer per piece and fill each
     * peer's send queue with the pieces after it. From four libtorrent seeders at 2 MB/s each (1
     * MiB pieces) the first piece came from the first peer that unchoked, and the others, asked
     * once the player's first request came, sent its blocks only after ~0.5 MiB of those later
     * pieces each.
     */
    void soughtFromTheStart(int piece) {
        head = piece;
        update();
    }

    @Override
    public int[] pieces() {
        return now.pieces();
    }

    @Override
    public boolean seeking() {
        return now.seeking();
    }

    @Override
    public boolean sought(int piece) {
        return now.sought().get(piece);
    }

    @Override
    public boolean hurried(int piece) {
        return now.hurried().get(piece);
    }

    @Override
    public Set<Integer> offeredToBt() {
        return selector.offered();
    }

    @Override
    public Set<Integer> fetchedUrgently() {
        return selector.fetchedUrgently();
    }

    @Override
    public BlockSet blocks(int piece) {
        List<ChunkDescriptor> c = chunks;
        if (c == null) {
            c = registry.getDescriptor(id).map(TorrentDescriptor::getDataDescriptor)
                    .map(DataDescriptor::getChunkDescriptors).orElse(null);
            if (c == null) {
                return null;
            }
            chunks = c;
        }
        return piece < c.size() ? c.get(piece) : null;
    }

    private synchronized void update() {
        VerifiedPieces v = verified;
        if (v == null) {
            return;
        }
        Set<Integer> fetched = selector.fetchedUrgently();
        BitSet sought = new BitSet();
        BitSet waited = new BitSet();
        BitSet hurried = new BitSet();
        BitSet opened = new BitSet();
        boolean seeking = false;
        for (ReaderPosition r : readers.positions()) {
            // the next piece too, so that a range across a piece boundary does not wait for two
            // turns, and a hurried reader's next piece comes as fast as the one it waits on
            for (int p = r.piece(); p <= Math.min(r.piece() + 1, r.lastPiece()); p++) {
                if (p < 0 || p >= v.pieceCount() || v.isVerified(p)) {
                    continue;
                }
                if (r.sought() || r.hurried()) {
                    sought.set(p);
                    waited.set(p);
                    seeking |= r.sought();
                    (r.sought() ? opened : hurried).set(p);
                } else if (fetched.contains(p)) {
                    waited.set(p); // fetched after a seek, and the reader has read on into it
                }
            }
        }
        int h = head;
        if (h >= 0 && h < v.pieceCount() && !v.isVerified(h)) {
            sought.set(h);
            waited.set(h);
            opened.set(h);
            seeking = true;
        }
        hurried.andNot(opened); // another reader jumped to it: a seek's piece
        now = new Snapshot(waited.stream().toArray(), sought, hurried, seeking);
    }
}
