package flux.engine;

import bt.data.DataDescriptor;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Which pieces a torrent's web seeds fetch: runs in playback order of the pieces no peer is asked
 * for (any once no peer is connected), and the piece a reader waits on whoever else fetches it.
 * What they take is kept from bt ({@link PlaybackSelector#fromWebSeeds}) until it is verified or
 * given back, and no two connections take the same piece.
 */
final class WebSeedPieces {
    private final PlaybackSelector selector;
    private final UrgentRequests.Waiting waitedOn;
    private final IntSupplier connectedPeers;
    private final Supplier<DataDescriptor> descriptor;
    private final long pieceSize;
    /**
     * Pieces {@link WebSeedHead} is still fetching: no other web-seed connection takes them (the
     * same server, asked later), but bt may ask a peer, which may be faster.
     */
    private final Set<Integer> ahead = ConcurrentHashMap.newKeySet();

    /** @param descriptor bt's data of the torrent, null until set up */
    WebSeedPieces(PlaybackSelector selector, UrgentRequests.Waiting waitedOn, IntSupplier connectedPeers,
                  Supplier<DataDescriptor> descriptor, long pieceSize) {
        this.selector = selector;
        this.waitedOn = waitedOn;
        this.connectedPeers = connectedPeers;
        this.descriptor = descriptor;
        this.pieceSize = pieceSize;
    }

    /**
     * From the first wanted piece a web seed may take, those after it in the file that are wanted
     * too, up to {@code bytes}; none when nothing is left to take.
     */
    synchronized int[] claim(long bytes) {
        int[] order = selector.order();
        if (order.length == 0) {
            return order;
        }
        BitSet wanted = bits(order);
        Now now = now();
        int most = (int) Math.max(1, bytes / pieceSize);
        for (int first : order) {
            if (mayTake(first, now)) {
                int last = first;
                while (last + 1 - first < most && wanted.get(last + 1) && mayTake(last + 1, now)) {
                    last++;
                }
                int[] run = new int[last - first + 1];
                for (int i = 0; i < run.length; i++) {
                    run[i] = first + i;
                    selector.fromWebSeeds().add(first + i);
                }
                return run;
            }
        }
        return new int[0];
    }

    /** Of these pieces, those a web seed may take now as {@link #claim(long)} would, all claimed. */
    synchronized int[] claim(int[] candidates) {
        BitSet wanted = bits(selector.order());
        Now now = now();
        int[] claimed = Arrays.stream(candidates).filter(p -> wanted.get(p) && mayTake(p, now)).toArray();
        for (int piece : claimed) {
            selector.fromWebSeeds().add(piece);
        }
        return claimed;
    }

    /** Of these pieces, those still wanted and taken by no web seed, kept from the other connections only ({@link #ahead}). */
    synchronized int[] claimAhead(int[] candidates) {
        BitSet wanted = bits(selector.order());
        int[] claimed = Arrays.stream(candidates)
                .filter(p -> wanted.get(p) && !verified(p) && !selector.fromWebSeeds().contains(p)).toArray();
        for (int piece : claimed) {
            ahead.add(piece);
        }
        return claimed;
    }

    /** True once bt has checked the piece. */
    boolean verified(int piece) {
        DataDescriptor d = descriptor.get();
        return d != null && d.getBitfield().isVerified(piece);
    }

    /**
     * The first piece a reader waits on that no web seed fetches, alone: a seek's piece, for the
     * connection kept for those, which would otherwise wait behind the runs the others read. A
     * waited-on piece that a web seed does fetch is offered to bt's peers too
     * ({@link PlaybackSelector#alsoFromPeers}): a peer may be faster, and with every piece left
     * kept from it bt told the peer "not interested", which choked flux, and a 1 MiB piece waited
     * 6 s for a 50 KiB/s server while the peer sent nothing.
     */
    synchronized int[] claimWaitedOn() {
        DataDescriptor d = descriptor.get();
        int[] claimed = new int[0];
        for (int piece : waitedOn.pieces()) {
            if (d == null || d.getBitfield().isVerified(piece)) {
                continue;
            }
            if (selector.fromWebSeeds().contains(piece) || ahead.contains(piece)) {
                selector.alsoFromPeers().add(piece);
            } else if (claimed.length == 0) {
                selector.fromWebSeeds().add(piece);
                claimed = new int[]{piece};
            }
        }
        return claimed;
    }

    /** Lets peers or another web seed have the pieces again (those verified meanwhile are gone from the set already). */
    void release(int[] run) {
        for (int piece : run) {
            selector.fromWebSeeds().remove(piece);
            ahead.remove(piece);
        }
    }

    /** True while the stream still wants a piece that is not verified. */
    boolean anyWanted() {
        return selector.order().length > 0;
    }

    /** True once every piece is verified: nothing is left for a web seed. */
    boolean done() {
        DataDescriptor d = descriptor.get();
        return d != null && d.getBitfield().getPiecesRemaining() == 0;
    }

    private static BitSet bits(int[] pieces) {
        BitSet bits = new BitSet();
        for (int piece : pieces) {
            bits.set(piece);
        }
        return bits;
    }

    /**
     * A piece no web seed fetches and not verified, and that no peer is asked for, unless none is
     * connected or a reader waits on it. The plan's order the caller has is older than a piece a
     * connection verified meanwhile, which then left {@link PlaybackSelector#fromWebSeeds} (after
     * bt's bitfield took it, so the bitfield is asked second): taking it by that order alone
     * fetched a run of pieces twice in 2 of 4 streams of a 64 KiB-piece torrent from lighttpd.
     */
    private boolean mayTake(int piece, Now now) {
        if (selector.fromWebSeeds().contains(piece) || ahead.contains(piece)
                || now.data() != null && now.data().getBitfield().isVerified(piece)) {
            return false;
        }
        return now.alone() || now.waited().get(piece)
                || !selector.offered().contains(piece) && !selector.fetchedUrgently().contains(piece);
    }

    /** What {@link #mayTake} asks of the torrent, read once per claim rather than once per piece of the plan. */
    private record Now(BitSet waited, boolean alone, DataDescriptor data) {
    }

    private Now now() {
        return new Now(bits(waitedOn.pieces()), connectedPeers.getAsInt() == 0, descriptor.get());
    }
}
