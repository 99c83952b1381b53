package flux.engine;

import bt.data.BlockSet;
import bt.data.ChunkDescriptor;
import bt.data.DataDescriptor;
import bt.metainfo.TorrentId;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import flux.stream.ReaderRegistry;
import flux.stream.VerifiedPieces;

import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The unverified pieces under a torrent's open readers and the ones after them, for
 * {@link UrgentRequests}. bt's message loop asks for them for every peer on every turn, so they
 * are worked out only when a reader moves or one of them is verified.
 */
final class WaitedOnPieces implements UrgentRequests.Waiting {
    private record Snapshot(int[] pieces, BitSet sought) {
    }

    private static final Snapshot NONE = new Snapshot(new int[0], new BitSet());

    private final TorrentId id;
    private final TorrentRegistry registry;
    private final ReaderRegistry readers;
    private final PlaybackSelector selector;
    private volatile VerifiedPieces verified;
    private volatile List<ChunkDescriptor> chunks;
    private volatile Snapshot now = NONE;

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

    @Override
    public int[] pieces() {
        return now.pieces();
    }

    @Override
    public boolean sought(int piece) {
        return now.sought().get(piece);
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
        BitSet sought = new BitSet();
        // the next piece too, so that a range across a piece boundary does not wait for two turns
        int[] pieces = readers.positions().stream()
                .flatMapToInt(r -> {
                    IntStream these = IntStream.rangeClosed(r.piece(), Math.min(r.piece() + 1, r.lastPiece()));
                    return r.sought() ? these.peek(sought::set) : these;
                })
                .filter(p -> p >= 0 && p < v.pieceCount() && !v.isVerified(p)).distinct().toArray();
        now = new Snapshot(pieces, sought);
    }
}
