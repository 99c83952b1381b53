package flux.engine;

import bt.data.BlockSet;
import bt.net.ConnectionKey;
import bt.protocol.Request;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A piece {@link UrgentRequests} fetches: since when, its sources and their shares of it, the
 * blocks asked for and lined up, and the older requests held back for it.
 */
final class UrgentFetch {
    /**
     * A fetch goes back to bt once its sources have sent nothing for this long (they choked flux
     * or went away), so a piece comes sooner, never later than bt would fetch it. A peer still
     * sending is not given up on: a Transmission seeder that unchokes flux sends the blocks
     * already in its send buffer first (at 600 KiB/s, more than 2 s of them), and a piece given
     * back then waited behind bt's 4 MiB of older requests (9 s in {@code StreamIT}).
     */
    static final long GIVE_BACK_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** ... and after this long in any case. */
    static final long LONGEST_FETCH_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * Blocks a source may send beyond all it was asked for before a block of a fetched piece is
     * taken for dropped: a libtorrent peer reads blocks from disk in parallel and may send a few
     * out of order.
     */
    private static final int LOST_SLACK_BLOCKS = 32;
    /** The block size every client asks for, bt too: what one request in a peer's queue stands for. */
    private static final long BLOCK_BYTES = 16 * 1024;

    final long since;
    final List<AskedBlock> asked = new ArrayList<>();
    /** Blocks bt had asked these peers for already: moved forward, not asked again unless bt drops them. */
    final List<AskedBlock> leftToBt = new ArrayList<>();
    /** The peers' older requests, cancelled while this piece comes and asked again when it ends. */
    final List<HeldBack> heldBack = new ArrayList<>();
    /** Blocks each source is to be asked for once its request queue has room, in order. */
    final Map<PeerView, ArrayDeque<AskedBlock>> lined = new HashMap<>();
    /** Each source's own share of the piece (block indices): what it is asked for first. */
    final Map<PeerView, BitSet> share = new HashMap<>();
    boolean givenBack;
    /**
     * For each source asked for blocks of it: what the source will have sent (bytes, as bt
     * counts them) once it has sent all it was asked for by then; a block of this piece still
     * missing after that was dropped ({@link LostBlocks#askForLost}).
     */
    final Map<PeerView, Long> dueBy = new HashMap<>();
    /** The peers asked for its blocks here, in the order they were added. */
    final List<PeerView> sources = new ArrayList<>();
    long lookedForSources;
    /** When a block of it last came from a source (at first: when the fetch began). */
    long lastBlock;
    /** When the first block of it came from a source, 0 before: for the log. */
    long firstBlock;
    private long downloadedSeen;
    /** What its sources had sent when they joined: the difference is what they sent meanwhile. */
    private long downloadedBefore;
    private long lastProgress;

    UrgentFetch(long since) {
        this.since = since;
        this.lookedForSources = since;
        this.lastBlock = since;
        this.lastProgress = since;
    }

    /** The source was just asked for blocks of this piece: they are due once it has sent all it holds now. */
    void asked(PeerView source) {
        if (sources.contains(source)) {
            dueBy.put(source, source.state.getDownloaded() + (long) (source.inFlight() + LOST_SLACK_BLOCKS) * BLOCK_BYTES);
        }
    }

    ArrayDeque<AskedBlock> lined(PeerView source) {
        return lined.computeIfAbsent(source, s -> new ArrayDeque<>());
    }

    /** True when the block is in the peer's own share of this piece. */
    boolean ownShare(PeerView peer, BlockSet blocks, Request request) {
        BitSet own = share.get(peer);
        return own == null || own.get(Blocks.indexOf(blocks, request));
    }

    /**
     * True once every block of the peer's own share is in. Only then is it asked for other
     * sources' blocks: asked at once, a peer that sends as fast as the others sent many of them
     * a second time before the cancel for them reached it (four seeders at 0.5 MB/s: a stream's
     * second piece, fetched from all four, came after 2.1 s instead of ~1.1 s); asked later, it
     * takes over what a slow source has not sent.
     */
    boolean shareIn(PeerView peer, BlockSet blocks) {
        BitSet own = share.get(peer);
        if (own == null) {
            return true;
        }
        for (int block = own.nextSetBit(0); block >= 0; block = own.nextSetBit(block + 1)) {
            if (!blocks.isPresent(block)) {
                return false;
            }
        }
        return true;
    }

    /** Adds peers as sources; what they sent before they joined is not progress of this piece. */
    void addSources(List<PeerView> joining) {
        sources.addAll(joining);
        long before = downloaded(joining);
        downloadedSeen += before;
        downloadedBefore += before;
    }

    /** KiB its sources sent since they joined, this piece's blocks and any others. */
    long sentMeanwhileKib() {
        return (downloaded(sources) - downloadedBefore) >> 10;
    }

    /** True when this peer was asked for the block at this offset, here or by bt before. */
    boolean askedOf(ConnectionKey peer, int offset) {
        for (List<AskedBlock> list : List.of(asked, leftToBt)) {
            for (AskedBlock a : list) {
                if (a.request.getOffset() == offset && a.peer.key.equals(peer)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True once its peers have sent nothing for {@link #GIVE_BACK_NANOS}, or it took too long. */
    boolean stalled(long now) {
        long downloaded = downloaded(sources);
        if (downloaded != downloadedSeen) {
            downloadedSeen = downloaded;
            lastProgress = now;
        }
        return now - lastProgress >= GIVE_BACK_NANOS || now - since >= LONGEST_FETCH_NANOS;
    }

    /**
     * Where each source's share of {@code blocks} lined-up blocks begins (and, last, where the
     * last one ends): shares in proportion to the sources' rates, so that they all end at about
     * the same time. A source whose rate is not known yet ({@code NaN}) counts as the average of
     * the known ones, and all count the same when none is known. With equal shares one peer at
     * 0.125 MB/s among three at 2 MB/s held every seek up for its quarter of a 1 MiB piece: 0.8–1.4 s
     * where four at 2 MB/s took 0.36–0.40 s.
     */
    static int[] shareBounds(double[] rates, int blocks) {
        double known = 0;
        int counted = 0;
        for (double r : rates) {
            if (!Double.isNaN(r)) {
                known += r;
                counted++;
            }
        }
        boolean anyKnown = counted > 0 && known > 0;
        double unknown = anyKnown ? known / counted : 1;
        double[] weights = new double[rates.length];
        double total = 0;
        for (int k = 0; k < rates.length; k++) {
            weights[k] = anyKnown && !Double.isNaN(rates[k]) ? rates[k] : unknown;
            total += weights[k];
        }
        int[] bounds = new int[rates.length + 1];
        double sum = 0;
        for (int k = 0; k < rates.length; k++) {
            sum += weights[k];
            // rounded down (with equal shares the first sources get the smaller ones, as before)
            bounds[k + 1] = k == rates.length - 1 ? blocks : (int) Math.floor(blocks * sum / total + 1e-9);
        }
        return bounds;
    }

    private static long downloaded(List<PeerView> peers) {
        long sum = 0;
        for (PeerView p : peers) {
            sum += p.state.getDownloaded();
        }
        return sum;
    }
}
