package flux.engine;

import bt.data.BlockSet;
import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Bitfield;
import bt.protocol.Have;
import bt.protocol.Message;
import bt.protocol.Piece;
import bt.protocol.Request;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.MessageContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import static flux.engine.Blocks.cancel;
import static flux.engine.Blocks.indexOf;
import static flux.engine.Blocks.key;
import static flux.engine.Blocks.present;
import static flux.engine.Blocks.request;

/**
 * Fetches the piece a reader seeks to the moment it waits, ahead of everything else the peers
 * were asked for (and the pieces a hurried reader waits on: {@link Waiting#sought}). bt gives a
 * peer a new piece only when one of the pieces it gave that peer completes, asks that one peer
 * for all of it behind what it asked before, and sends one queued message per peer per turn of
 * its message loop; after a seek the player waited for all of that
 * (a 30 ms seek on the loopback bench: ~10 ms until some piece completed, ~12 ms for the new piece
 * behind an old one, and the requests trickling out). Here, on the first turn of bt's message loop
 * after a reader seeks to a piece that bt was not fetching, or was but not one block of it has
 * come (or the rest of it comes too slowly: {@link Arrival#SLOW_REST_NANOS}), the best four peers that have
 * it are asked for its missing blocks at once, each for its own share of them (as many as its
 * request queue holds, the rest as blocks come: {@link PeerQueues#MOST_REQUESTS}), each peer's older
 * requests cancelled first and asked again once the piece is in; a peer whose share is in takes
 * over a slower one's last blocks ({@link #mayTakeOver}), and a block that came from one is
 * cancelled at the others. A piece sought while another is fetched goes ahead of what
 * each peer was asked for of that one beyond its own share. A block a source has not sent once it
 * sent everything asked of it before was dropped, and is asked again ({@link LostBlocks#askForLost}).
 * bt is kept off the piece until those peers have sent nothing for
 * {@link UrgentFetch#GIVE_BACK_NANOS}, and then asks for it anew.
 *
 * <p>Shared by all torrents, like bt's own agents; everything but {@link #track}, {@link #forget}
 * and {@link #peerGone} runs on bt's message loop, which owns each connection's request state.
 */
public class UrgentRequests {
    private static final Logger log = LoggerFactory.getLogger(UrgentRequests.class);
    /**
     * How many peers are asked for each block of a sought piece. On a slow swarm a seek waits
     * mostly for the piece itself, which n peers of the same rate send in 1/n of the time (1 MiB
     * pieces from four libtorrent seeders shaped to 2 MB/s each: seeks 0.89 s with every source
     * sending the whole piece, 0.64 s with two sources at their own halves, 0.51 s with four).
     */
    private static final int SOURCES = 4;
    /**
     * A piece of which no block came for this long has its missing blocks taken over from the
     * peers asked for them whatever they have left (else a share of it: {@link #mayTakeOver}):
     * they send something else first, or dropped the requests. From four seeders at 0.5 MB/s
     * a piece's blocks come every ~8 ms.
     */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /**
     * A source whose share is in takes over the blocks of a holder this many times slower than
     * itself at once ({@link #mayTakeOver}), not only after {@link #QUIET_NANOS}.
     */
    private static final double SLOWER_BY = 4;
    /** How often a fetch with fewer than {@link #SOURCES} sources looks for more. */
    private static final long WIDEN_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** What a torrent's readers wait on. */
    interface Waiting {
        /** Unverified pieces readers sought and the next ones in their ranges, and those fetched here that readers still wait on. */
        int[] pieces();

        /** True when a reader got to the piece by opening or seeking, or is hurried (not when it reads on). */
        boolean sought(int piece);

        /** True when only a hurried reader waits on the piece: it read on to it, no reader opened or jumped to it. */
        boolean hurried(int piece);

        /** True when a reader waits on a piece it opened or jumped to, or on the one after it. */
        boolean seeking();

        /** Pieces bt was given to ask peers for (a superset of what it asked for), not verified yet. */
        Set<Integer> offeredToBt();

        /** Pieces this class fetches, which bt is not given; this class adds and removes them. */
        Set<Integer> fetchedUrgently();

        /** The piece's blocks and which are present; null while the data is not set up. */
        BlockSet blocks(int piece);
    }

    private final Map<TorrentId, Waiting> torrents = new ConcurrentHashMap<>();
    private final PeerViews views = new PeerViews();
    /** The pieces fetched here, per torrent. */
    private final Map<TorrentId, Map<Integer, UrgentFetch>> fetches = new ConcurrentHashMap<>();
    /** Sought pieces left to bt because they were arriving, per torrent. */
    private final Map<TorrentId, Map<Integer, Arrival>> arriving = new ConcurrentHashMap<>();
    private volatile PeerWire wire;
    private final LongSupplier clock;
    private final PeerQueues queues;
    private final Predicate<ConnectionKey> sendsAtOnce;
    private final LostBlocks lost;

    /**
     * @param queues  how many requests each peer keeps
     * @param clients the client each peer runs
     */
    public UrgentRequests(PeerQueues queues, PeerClients clients) {
        this(System::nanoTime, BtAssignments::hasPieces, queues, clients::answersAtOnce);
    }

    /**
     * @param clock           nanoseconds, as {@link System#nanoTime}
     * @param btAssignsPieces whether bt has pieces assigned to a peer ({@link BtAssignments})
     * @param queues          how many requests each peer keeps
     * @param sendsAtOnce     whether a peer sends blocks as soon as they are asked for ({@link PeerClients})
     */
    UrgentRequests(LongSupplier clock, Predicate<ConnectionState> btAssignsPieces, PeerQueues queues,
                   Predicate<ConnectionKey> sendsAtOnce) {
        this.clock = clock;
        this.lost = new LostBlocks(btAssignsPieces, this::sendEach);
        this.queues = queues;
        this.sendsAtOnce = sendsAtOnce;
    }

    /** Where requests are written; nothing is asked for before this is set. */
    void wire(PeerWire wire) {
        this.wire = wire;
    }

    void track(TorrentId torrent, Waiting waiting) {
        torrents.put(torrent, waiting);
    }

    void forget(TorrentId torrent) {
        torrents.remove(torrent);
        fetches.remove(torrent);
        arriving.remove(torrent);
    }

    void peerGone(ConnectionKey peer) {
        views.gone(peer);
    }

    /**
     * True when the peer lets flux download (does not choke it) and holds requests of flux's:
     * it owes blocks. Seen before its first Bitfield or Have, it owes nothing.
     */
    boolean owesBlocks(ConnectionKey peer) {
        PeerView view = views.get(peer);
        return view != null && !view.state.isPeerChoking() && !view.pending().isEmpty();
    }

    /**
     * True while a reader waits on a piece it sought (opened or jumped to), or on the one after it
     * in its range; not while readers only read on. Any thread may ask: the download limit lets
     * such pieces come at full speed ({@link DownloadLimit}).
     */
    boolean seeking() {
        for (Waiting waiting : torrents.values()) {
            if (waiting.seeking()) {
                return true;
            }
        }
        return false;
    }

    /** True when a reader of the torrent waits on the piece. Any thread may ask: see {@link SoughtPieceThread}. */
    boolean waitedOn(TorrentId torrent, int piece) {
        Waiting waiting = torrents.get(torrent);
        return waiting != null && contains(waiting.pieces(), piece);
    }

    @Consumes
    public void consume(Bitfield bitfield, MessageContext context) {
        views.view(context).has.or(BitfieldPieces.of(bitfield));
    }

    @Consumes
    public void consume(Have have, MessageContext context) {
        views.view(context).has.set(have.getPieceIndex());
    }

    /** Blocks arrive all the time while downloading: the soonest moment to react to a seek. */
    @Consumes
    public void consume(Piece block, MessageContext context) {
        PeerView sender = views.get(context.getConnectionKey());
        if (sender != null && !sender.sentBlocks) {
            sender.firstBlock(clock.getAsLong());
        }
        cancelAtTheOtherSources(block, context.getConnectionKey(), context.getTorrentId());
        fetchSoughtPieces(context.getTorrentId());
    }

    /**
     * A block of a piece fetched here came from one of its sources: the others are told not to
     * send it. A peer sends what it is asked for in order, at its own rate, so the sources, each
     * started at its own share of the piece, then each send their share and the piece comes in
     * the time one of them needs for its share; one that falls behind has its share finished by
     * the others. A block already under way when the Cancel reaches its peer comes twice, and bt
     * drops the second copy.
     */
    private void cancelAtTheOtherSources(Piece block, ConnectionKey sender, TorrentId torrent) {
        Map<Integer, UrgentFetch> fetching = torrent == null ? null : fetches.get(torrent);
        if (fetching == null || fetching.isEmpty()) {
            return;
        }
        UrgentFetch fetch = fetching.get(block.getPieceIndex());
        if (fetch == null || !fetch.askedOf(sender, block.getOffset())) {
            return; // not from a source: a copy that was under way, which bt drops as unexpected
        }
        fetch.lastBlock = clock.getAsLong();
        if (fetch.firstBlock == 0) {
            fetch.firstBlock = fetch.lastBlock;
        }
        Map<PeerView, List<Message>> cancels = null;
        for (Iterator<AskedBlock> it = fetch.asked.iterator(); it.hasNext(); ) {
            AskedBlock asked = it.next();
            if (asked.request.getOffset() != block.getOffset()) {
                continue;
            }
            it.remove();
            if (!asked.peer.key.equals(sender) && asked.peer.pending().remove(asked.key)) {
                if (cancels == null) {
                    cancels = new HashMap<>();
                }
                cancels.computeIfAbsent(asked.peer, p -> new ArrayList<>()).add(cancel(asked.request));
            }
        }
        if (cancels != null) {
            sendEach(cancels);
        }
    }

    /** bt asks for messages to send whenever a peer's queue is empty: an idle swarm reacts here. */
    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        fetchSoughtPieces(context.getTorrentId());
    }

    private void fetchSoughtPieces(TorrentId torrent) {
        Waiting waiting = torrent == null ? null : torrents.get(torrent);
        if (waiting == null) {
            return;
        }
        // runs for every block that arrives and every turn of bt's loop: nothing is allocated
        // unless a piece is to be fetched, and without a seek there is nothing to look at
        int[] pieces = waiting.pieces();
        Map<Integer, UrgentFetch> fetching = fetches.get(torrent);
        if (fetching != null && !fetching.isEmpty()) {
            endFetches(torrent, fetching, pieces, waiting);
        }
        Map<Integer, Arrival> arrivingNow = arriving.get(torrent);
        if (arrivingNow != null && !arrivingNow.isEmpty()) {
            arrivingNow.keySet().removeIf(piece -> !contains(pieces, piece));
        }
        if (pieces.length == 0) {
            return;
        }
        Set<PeerView> toAsk = null;
        List<UrgentFetch> started = null;
        boolean readingOn = true;
        int lastStarted = -1;
        for (int piece : pieces) {
            BlockSet blocks = waiting.blocks(piece);
            UrgentFetch fetch = fetching == null ? null : fetching.get(piece);
            if (blocks == null) {
                continue;
            }
            List<PeerView> sources;
            if (fetch != null) {
                sources = fetch.givenBack ? List.of() : moreSources(torrent, piece, fetch);
            } else {
                sources = soughtAndNotComing(torrent, waiting, piece, blocks)
                        ? sources(torrent, piece, List.of()) : List.of();
            }
            if (sources.isEmpty()) {
                continue;
            }
            if (toAsk == null) {
                toAsk = new LinkedHashSet<>();
                started = new ArrayList<>();
                fetching = fetches.computeIfAbsent(torrent, t -> new ConcurrentHashMap<>());
            }
            if (fetch == null) {
                fetch = new UrgentFetch(clock.getAsLong());
                if (!blocks.isEmpty() && waiting.offeredToBt().contains(piece)) {
                    fetch.lastBlock -= QUIET_NANOS; // bt's blocks of it came too slowly: its peers' are taken over
                }
                fetching.put(piece, fetch);
                waiting.fetchedUrgently().add(piece);
                Map<Integer, Arrival> wasArriving = arriving.get(torrent);
                if (wasArriving != null) {
                    wasArriving.remove(piece);
                }
            }
            started.add(fetch);
            readingOn &= waiting.hurried(piece);
            lastStarted = Math.max(lastStarted, piece);
            ask(fetch, piece, blocks, sources, toAsk);
            log.debug("piece {}: asked {} more peers at once, {} in all", piece, sources.size(), fetch.sources.size());
        }
        if (toAsk != null) {
            for (PeerView source : toAsk) {
                sendFirst(source, waiting, pieces, started, fetching.values(), readingOn ? lastStarted : -1);
            }
        }
    }

    /**
     * Lines up every missing block of the piece for each of these new sources of the fetch. Each
     * is asked first for its own share of the missing blocks that no peer was asked for yet, in
     * proportion to its rate ({@link UrgentFetch#shareBounds}), in the order the sources come. A block some
     * peer was asked for already (bt's request, or an earlier source's) is no one's share: a
     * seeder sends what it has read into its send buffer despite a Cancel, so asked again
     * elsewhere it mostly came twice (four libtorrent seeders at 0.5 MB/s: 215 blocks, 3.4 MiB,
     * came twice in a stream's first 3.5 s, while the stream waited on its first pieces). An
     * earlier source keeps as its own share only what it was asked for. After its share each
     * source takes over other blocks as {@link #mayTakeOver} allows, from the end of the
     * neighbouring share backwards: a source sends its share in order, so its last blocks are the
     * ones it would send last.
     */
    private void ask(UrgentFetch fetch, int piece, BlockSet blocks, List<PeerView> newSources, Set<PeerView> toAsk) {
        List<Integer> missing = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        for (int block = 0; block < blocks.blockCount(); block++) {
            if (!blocks.isPresent(block)) {
                missing.add(block);
                if (promptHolders(request(piece, blocks, block), newSources.get(0).torrent) == 0) {
                    free.add(block);
                }
            }
        }
        if (missing.isEmpty()) {
            return; // all in, being checked: a new source would only have its requests held back
        }
        for (PeerView earlier : fetch.sources) {
            BitSet own = fetch.share.get(earlier);
            if (own != null) {
                own.stream().filter(b -> !new AskedBlock(earlier, request(piece, blocks, b)).awaited()).boxed().toList().forEach(own::clear);
            }
        }
        fetch.addSources(newSources);
        int n = newSources.size();
        long now = clock.getAsLong();
        int[] bounds = UrgentFetch.shareBounds(newSources.stream().mapToDouble(v -> v.rate(now)).toArray(), free.size());
        for (int k = 0; k < n; k++) {
            PeerView source = newSources.get(k);
            toAsk.add(source);
            BitSet own = fetch.share.computeIfAbsent(source, s -> new BitSet());
            free.subList(bounds[k], bounds[k + 1]).forEach(own::set);
            ArrayDeque<AskedBlock> lined = fetch.lined(source);
            // its share in order, then the rest from the end backwards; what bt asked it for
            // already is left to bt's request (not asked twice: the cancels in sendFirst move it forward)
            own.stream().forEach(block -> lined.add(new AskedBlock(source, request(piece, blocks, block))));
            for (int block : missing) {
                AskedBlock asked = new AskedBlock(source, request(piece, blocks, block));
                if (!own.get(block) && asked.awaited()) {
                    fetch.leftToBt.add(asked);
                }
            }
            int start = own.isEmpty() ? 0 : own.nextSetBit(0);
            for (int d = 1; d <= blocks.blockCount(); d++) {
                int block = Math.floorMod(start - d, blocks.blockCount());
                AskedBlock asked = new AskedBlock(source, request(piece, blocks, block));
                if (!own.get(block) && !blocks.isPresent(block) && !asked.awaited()) {
                    lined.add(asked);
                }
            }
        }
    }

    /**
     * How many peers of the torrent that send at once were asked for the block and have not sent
     * it. One that sends at its bandwidth pulse (Transmission) keeps seconds of blocks in its send
     * buffer: a block asked of it may come late, and is shared out as if no peer had it (a block
     * it was asked for comes twice then, but mpv's seeks during playback from two such seeders at
     * 0.5 MB/s took 5.9 -> 7.0 and 5.7 -> 6.6 s when it was not).
     */
    private int promptHolders(Request block, TorrentId torrent) {
        return views.holding(block, torrent, p -> sendsAtOnce.test(p.key));
    }

    /**
     * True when the peer may be asked for a block beyond its own share ({@code takenNow}: blocks
     * it is about to be asked for): no other peer was asked for it, or one that does not send at
     * once ({@link #promptHolders}); or one was, and then either nothing of the piece came for
     * {@link #QUIET_NANOS}, or that one sent at a quarter of this peer's rate or less ({@link
     * #SLOWER_BY}; both known), or this peer would still have at most its n-th of the missing
     * blocks asked of that one (n: the fetch's sources, that one included; half, with two). So a
     * source that falls behind has its last blocks taken over, shared out among the others, and
     * one that keeps up is not sent what it sends anyway.
     */
    private boolean mayTakeOver(UrgentFetch fetch, PeerView peer, Request block, BlockSet blocks, List<AskedBlock> takenNow) {
        Object key = key(block);
        PeerView holder = null;
        for (PeerView p : views.all()) {
            if (p != peer && peer.torrent.equals(p.torrent) && p.pending().contains(key)) {
                if (holder != null) {
                    return false; // asked of two already
                }
                holder = p;
            }
        }
        long now = clock.getAsLong();
        if (holder == null || !sendsAtOnce.test(holder.key) || now - fetch.lastBlock >= QUIET_NANOS
                || peer.rate(now) >= SLOWER_BY * holder.rate(now)) {
            return true;
        }
        int left = 0;
        int mine = 0;
        for (int b = 0; b < blocks.blockCount(); b++) {
            if (blocks.isPresent(b)) {
                continue;
            }
            Object k = key(request(block.getPieceIndex(), blocks, b));
            if (holder.pending().contains(k)) {
                left++;
                if (peer.pending().contains(k) || takenNow.stream().anyMatch(a -> a.key.equals(k))) {
                    mine++;
                }
            }
        }
        int sharing = fetch.sources.size() + (fetch.sources.contains(holder) ? 0 : 1);
        return (mine + 1) * sharing <= left;
    }

    /**
     * Peers that can join a fetch with fewer than {@link #SOURCES} sources: those that unchoked
     * flux since it began. A stream's first piece is sought while the peers are still answering
     * their handshakes, and fetched only from those that have unchoked flux by then; when that was
     * one slow peer (0.25 MB/s among three at 2 MB/s in the lab), the first byte waited 4 s for
     * it alone. Looked for at most every {@link #WIDEN_NANOS}: this runs for every block.
     */
    private List<PeerView> moreSources(TorrentId torrent, int piece, UrgentFetch fetch) {
        long now = clock.getAsLong();
        if (fetch.sources.size() >= SOURCES || now - fetch.lookedForSources < WIDEN_NANOS) {
            return List.of();
        }
        fetch.lookedForSources = now;
        return sources(torrent, piece, fetch.sources);
    }

    /**
     * Ends the fetches of pieces no reader waits on any more (verified, or the reader went
     * elsewhere) and of those that took too long; either way bt takes the piece back, and the
     * blocks asked here and not come are cancelled and forgotten, so that bt asks for them again.
     */
    private void endFetches(TorrentId torrent, Map<Integer, UrgentFetch> fetching, int[] waitedOn, Waiting waiting) {
        long now = clock.getAsLong();
        List<Map.Entry<Integer, UrgentFetch>> going = null;
        for (Iterator<Map.Entry<Integer, UrgentFetch>> it = fetching.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, UrgentFetch> e = it.next();
            boolean waited = contains(waitedOn, e.getKey());
            UrgentFetch fetch = e.getValue();
            if (waited && (fetch.givenBack || !fetch.stalled(now))) {
                if (!fetch.givenBack) {
                    BlockSet blocks = waiting.blocks(e.getKey());
                    if (blocks != null) {
                        lost.askForDropped(e.getKey(), fetch, blocks);
                        lost.askForLost(e.getKey(), fetch, blocks);
                    }
                    if (!fetch.lined.isEmpty()) {
                        if (going == null) {
                            going = new ArrayList<>(fetching.size());
                        }
                        going.add(e);
                    }
                }
                continue;
            }
            waiting.fetchedUrgently().remove(e.getKey());
            log.debug("piece {}: fetched at once for {} ms (its blocks read {}-{} ms after the ask; {} KiB from its sources meanwhile), {}",
                    e.getKey(), (now - fetch.since) / 1_000_000, fetch.firstBlock == 0 ? "-" : (fetch.firstBlock - fetch.since) / 1_000_000,
                    (fetch.lastBlock - fetch.since) / 1_000_000, fetch.sentMeanwhileKib(),
                    waited ? "given back to bt: its peers stalled" : "no reader waits on it any more");
            withdraw(fetch);
            askAgain(fetch.heldBack, waiting);
            returnToBt(torrent, e.getKey());
            if (waited) {
                fetch.givenBack = true; // not fetched here again while this reader waits on it
            } else {
                it.remove();
            }
        }
        if (going != null) {
            going.sort(firstAsked(waiting));
            going.forEach(e -> askForLinedUpBlocks(e.getValue(), waiting));
        }
    }

    /**
     * The order in which fetches get the places that free up in their sources' queues: the pieces
     * a reader opened or jumped to before those only a hurried reader waits on, then in the file's
     * order. A player that seeks keeps its old range open until the new one answers; in the map's
     * order the old reader's pieces took the places in about half the seeks (two seeders shaped to
     * 2 MB/s: the sought piece's first block 270 ms after the ask instead of ~100). That was
     * measured through a benchmark proxy that kept the old range open until its piece came (fixed
     * since); mpv drops it once the new one answers, which {@code HangUpWatch} sees, so
     * this order matters where two readers really are open.
     */
    private static Comparator<Map.Entry<Integer, UrgentFetch>> firstAsked(Waiting waiting) {
        return Comparator.comparing((Map.Entry<Integer, UrgentFetch> e) -> waiting.hurried(e.getKey())).thenComparing(Map.Entry::getKey);
    }

    /** Writes each peer's messages to its socket at once. */
    private void sendEach(Map<PeerView, List<Message>> messages) {
        PeerWire w = wire;
        if (w != null) {
            messages.forEach((peer, list) -> w.send(peer.key, list));
        }
    }

    private void withdraw(UrgentFetch fetch) {
        Map<PeerView, List<Message>> cancels = new HashMap<>();
        for (AskedBlock a : fetch.asked) {
            if (a.peer.pending().remove(a.key)) {
                cancels.computeIfAbsent(a.peer, p -> new ArrayList<>()).add(cancel(a.request));
            }
        }
        fetch.asked.clear();
        fetch.lined.clear();
        sendEach(cancels);
    }

    /**
     * Asks the peers again for their older blocks held back while the sought pieces came (those
     * still missing and still in bt's pending set: a block already under way may have come).
     * bt counts them as pending all along, so it asked the peer for nothing new meanwhile.
     */
    private void askAgain(List<HeldBack> heldBack, Waiting waiting) {
        PeerWire w = wire;
        for (HeldBack held : heldBack) {
            if (held.askedAgain) {
                continue; // by another piece fetched with this one
            }
            held.askedAgain = true;
            held.peer.heldBack.remove(held);
            List<Message> again = new ArrayList<>();
            for (AskedBlock a : held.requests) {
                BlockSet blocks = waiting.blocks(a.request.getPieceIndex());
                if (blocks != null && !present(blocks, a.request) && held.peer.pending().contains(a.key)) {
                    again.add(a.request);
                }
            }
            if (w != null && !again.isEmpty()) {
                w.send(held.peer.key, again);
            }
        }
        heldBack.clear();
    }

    /**
     * A reader sought the piece and bt was not fetching it, or was but not one block of it has
     * come (it waits behind other pieces at some peer), or blocks have come but the rest would
     * take longer than {@link Arrival#SLOW_REST_NANOS} at the rate they came (a slow peer). A reader
     * reading on is left to bt: the pieces ahead of it are under way, and moving them forward
     * again and again would have blocks in flight sent twice (the whole-file read took twice as
     * long in the lab). Unless those pieces keep it waiting ({@link
     * flux.stream.ReaderPosition#hurried}): bt fetches each from one peer, and its piece and the
     * next are then wanted as if sought. (Leaving such a piece to bt while any block of it came,
     * however slowly, measured the same: mpv's start 5.05 / 4.91 s at 0.5 MB/s per seeder, 3.69 /
     * 3.56 s at 2 MB/s.)
     */
    private boolean soughtAndNotComing(TorrentId torrent, Waiting waiting, int piece, BlockSet blocks) {
        if (!waiting.sought(piece)) {
            return false;
        }
        if (!waiting.offeredToBt().contains(piece) || blocks.isEmpty()) {
            return true;
        }
        long now = clock.getAsLong();
        Arrival seen = arriving.computeIfAbsent(torrent, t -> new HashMap<>())
                .computeIfAbsent(piece, p -> Arrival.seen(now, blocks));
        return seen.tooSlow(now, blocks);
    }

    /**
     * Cancels what the peer was asked for before except the waited-on pieces (it ignores a Cancel
     * of a block it sent already) and asks for the urgent blocks; the cancelled ones are asked
     * again when the pieces fetched with them end ({@link #askAgain}). Until then the peer sends
     * nothing but the sought pieces and flux's two cores are not busy with other blocks while the
     * piece is checked and served: in alternating lab pairs against asking again at once, T2 24.7
     * -> 20.4 and 22.4 -> 21.2 ms, seeks 18.7 -> 16.9 and 17.3 -> 16.4 ms (8 pairs each), the whole
     * file the same. A block that was under way arrives twice; bt drops the second copy. Written
     * to the socket at once rather than queued for bt's loop to send one per turn; this runs on
     * that loop's thread, which is where bt writes too.
     *
     * <p>Except, for a hurried reader's pieces, what a peer that sends only at its bandwidth pulse
     * (Transmission) was asked for of the pieces after them ({@code readingOnFrom}: the last such
     * piece, or -1 for a seek). Each pulse such a peer sends what it holds requests for then, and
     * a hurried reader's pieces come one after the other: with every older request cancelled for
     * each, a lone Transmission seeder on the loopback sent a stream read faster than it came two
     * pieces a pulse, 1 MiB/s, where libtorrent got 6 MiB/s. The requests held back that way still
     * count in the peer's queue until asked again ({@link PeerQueues}: 1.5 s of what it sent),
     * which then stayed at what two pieces a pulse fill; kept only as far as that queue reached,
     * the stream got out of it in some runs and not in others (the file in 18-25 s or 126-143 s);
     * kept all, in 18-25 s (4 of 4). Pieces before the reader's (a place it left) are cancelled
     * as before.
     */
    private void sendFirst(PeerView peer, Waiting waiting, int[] waitedOn, List<UrgentFetch> batch, Collection<UrgentFetch> all,
                           int readingOnFrom) {
        PeerWire w = wire;
        if (w == null) {
            return;
        }
        List<AskedBlock> older = askedBefore(peer, waiting, waitedOn);
        if (readingOnFrom >= 0 && !sendsAtOnce.test(peer.key)) {
            keepThePiecesAhead(peer, readingOnFrom, older, batch);
        }
        List<AskedBlock> urgent = takeLinedUp(peer, batch, room(peer) + older.size(), waiting);
        List<AskedBlock> pushedBack = othersShares(peer, batch, all, waiting);
        List<Message> messages = new ArrayList<>(older.size() + urgent.size() + 2 * pushedBack.size());
        for (AskedBlock a : older) {
            messages.add(cancel(a.request));
        }
        for (AskedBlock a : pushedBack) {
            messages.add(cancel(a.request));
        }
        for (AskedBlock a : urgent) {
            messages.add(a.request);
        }
        for (AskedBlock a : pushedBack) {
            messages.add(a.request);
        }
        HeldBack held = new HeldBack(peer, older);
        batch.forEach(f -> f.heldBack.add(held));
        if (!older.isEmpty()) {
            peer.heldBack.add(held);
        }
        if (w.send(peer.key, messages)) {
            urgent.forEach(a -> peer.pending().add(a.key));
        }
        batch.forEach(f -> f.asked(peer));
    }

    /**
     * Takes out of {@code older} (the requests to cancel) those of the pieces after the reader's,
     * except the furthest where the reader's own blocks need their places in the peer's queue:
     * left to wait for places as blocks come, they would wait behind bt, which asks for more on
     * every turn and takes each place that comes free.
     */
    private void keepThePiecesAhead(PeerView peer, int readersPiece, List<AskedBlock> older, List<UrgentFetch> batch) {
        List<AskedBlock> kept = new ArrayList<>();
        older.removeIf(a -> a.request.getPieceIndex() > readersPiece && kept.add(a));
        int wanted = 0;
        for (UrgentFetch fetch : batch) {
            ArrayDeque<AskedBlock> lined = fetch.lined.get(peer);
            wanted += lined == null ? 0 : lined.size();
        }
        int missing = wanted - (room(peer) + older.size());
        kept.sort(Comparator.comparingInt((AskedBlock a) -> a.request.getPieceIndex()).thenComparingInt(a -> a.request.getOffset()));
        for (int i = kept.size() - 1; i >= 0 && missing > 0; i--, missing--) {
            older.add(kept.get(i)); // the furthest first
        }
    }

    /**
     * The blocks of earlier fetches the peer was asked for beyond its own share of them (other
     * sources' shares, asked of it too so that a slow source cannot hold a piece up): these go
     * behind the newly sought piece, cancelled and asked again in one write. A libtorrent seeder
     * sends what it was asked for in order, so the piece a player seeks next (mpv: the file's end,
     * then back to its start) waited behind every block of the last one at every source, though
     * the others sent most of them (slow swarm: the file's last piece 838 ms instead of ~0.5 s).
     */
    private static List<AskedBlock> othersShares(PeerView peer, List<UrgentFetch> batch, Collection<UrgentFetch> all, Waiting waiting) {
        List<AskedBlock> found = new ArrayList<>();
        for (UrgentFetch fetch : all) {
            BitSet own = fetch.share.get(peer);
            if (batch.contains(fetch) || fetch.givenBack || own == null) {
                continue;
            }
            for (AskedBlock a : fetch.asked) {
                if (a.peer == peer) {
                    BlockSet blocks = waiting.blocks(a.request.getPieceIndex());
                    if (blocks != null && !present(blocks, a.request) && !own.get(indexOf(blocks, a.request))) {
                        found.add(a);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Asks each source of the fetch for more of its lined-up blocks as its request queue makes
     * room: every block that comes from it frees a place.
     */
    private void askForLinedUpBlocks(UrgentFetch fetch, Waiting waiting) {
        PeerWire w = wire;
        if (fetch.lined.isEmpty() || w == null) {
            return;
        }
        for (PeerView source : fetch.sources) {
            ArrayDeque<AskedBlock> lined = fetch.lined.get(source);
            if (lined == null || lined.isEmpty() || source.state.isPeerChoking()) {
                continue;
            }
            int room = room(source);
            if (room <= 0) {
                continue; // runs for every block that comes; a full queue keeps bt from asking too
            }
            List<AskedBlock> more = takeLinedUp(source, List.of(fetch), room, waiting);
            if (!more.isEmpty() && w.send(source.key, more.stream().map(a -> (Message) a.request).toList())) {
                more.forEach(a -> source.pending().add(a.key));
                fetch.asked(source);
            }
        }
    }

    /** How many more blocks the peer's request queue has room for ({@link PeerQueues}). */
    private int room(PeerView peer) {
        return queues.urgentLimit(peer.state) - (peer.inFlight() - queues.placeHoldersAt(peer.state));
    }

    /**
     * Takes up to {@code room} blocks lined up for the peer, in the order of the fetches, as asked;
     * blocks that came from another source meanwhile, or of its own share that another took over,
     * are dropped from the line, and others' blocks are taken as {@link #mayTakeOver} allows. bt's
     * own requests for the piece, lined up and not sent (bt had the piece assigned to the peer
     * before it was sought), are dropped: the blocks would be asked for twice.
     */
    private List<AskedBlock> takeLinedUp(PeerView peer, List<UrgentFetch> fetches, int room, Waiting waiting) {
        List<AskedBlock> taken = new ArrayList<>();
        for (UrgentFetch fetch : fetches) {
            ArrayDeque<AskedBlock> lined = fetch.lined.get(peer);
            if (lined == null || lined.isEmpty()) {
                continue;
            }
            BtAssignments.dropQueued(peer.state, lined.peek().request.getPieceIndex());
            for (Iterator<AskedBlock> it = lined.iterator(); it.hasNext() && taken.size() < room; ) {
                AskedBlock next = it.next();
                BlockSet blocks = waiting.blocks(next.request.getPieceIndex());
                if (blocks == null || present(blocks, next.request)) {
                    it.remove();
                    continue;
                }
                if (fetch.ownShare(peer, blocks, next.request)) {
                    if (!next.awaited() && promptHolders(next.request, peer.torrent) > 0) {
                        it.remove(); // taken over by another source
                        continue;
                    }
                } else if (!fetch.shareIn(peer, blocks)) {
                    break; // another source's block: asked of this one once its own share is in (below)
                } else if (!mayTakeOver(fetch, peer, next.request, blocks, taken)) {
                    continue; // stays lined up, in case its source falls behind
                }
                it.remove();
                if (next.awaited()) {
                    fetch.leftToBt.add(next); // bt asked for it before its queue was dropped, or it is being written
                } else {
                    taken.add(next);
                    fetch.asked.add(next);
                }
            }
        }
        return taken;
    }

    /**
     * Lets bt ask for a piece fetched here again from the peers it had assigned it to: bt asks a
     * peer for an assigned piece's blocks once, leaving out those pending (asked here) then, and
     * would wait for its assignment to time out (seconds) before asking for the ones this class
     * withdrew.
     */
    private void returnToBt(TorrentId torrent, int piece) {
        for (PeerView v : views.all()) {
            if (torrent.equals(v.torrent)) {
                BtAssignments.askAgainFor(v.state, piece);
            }
        }
    }

    /**
     * The blocks bt has asked this peer for that are not of a waited-on piece, and not held back
     * already (for a piece fetched before, still coming): cancelled twice, a block was counted
     * twice as no longer at the peer, so the peer was asked for more than its queue holds and
     * dropped the rest ({@link LostBlocks#askForLost}), and asked again by both fetches it was held
     * back for, it came twice.
     */
    private static List<AskedBlock> askedBefore(PeerView peer, Waiting waiting, int[] waitedOn) {
        List<AskedBlock> found = new ArrayList<>();
        Set<Object> held = peer.heldKeys();
        for (int piece : waiting.offeredToBt()) {
            BlockSet blocks = waiting.blocks(piece);
            if (blocks == null || contains(waitedOn, piece)) {
                continue;
            }
            for (int block = 0; block < blocks.blockCount(); block++) {
                if (!blocks.isPresent(block)) {
                    AskedBlock asked = new AskedBlock(peer, request(piece, blocks, block));
                    if (peer.pending().contains(asked.key) && !held.contains(asked.key)) {
                        found.add(asked);
                    }
                }
            }
        }
        return found;
    }

    /**
     * The four connected peers that have sent the most so far among those that have the piece and
     * do not choke flux. Each is asked for every block, starting at its own share: a peer that is
     * slow to answer must not hold the piece up (with the blocks split between aria2c and
     * Transmission, each asked for its half only, some seeks took 0.3-0.4 s in the lab). Where a
     * peer that sends at once has the piece, those that send at their bandwidth pulse
     * (Transmission) are left out: what they send of a sought piece comes at their next pulse,
     * mostly after the others sent it, duplicates that take CPU from the piece's reception (lab,
     * 1 MiB pieces, Transmission unchoking flux at 1.0 s, 3 alternating pairs of 2 rounds: T2 49
     * -> 33 ms, fetched seeks p25 / median / p75 25 / 32 / 37 -> 21 / 28 / 36 ms; 256 KiB pieces,
     * 13 / 19 / 21 -> 12 / 14 / 19 ms).
     */
    private List<PeerView> sources(TorrentId torrent, int piece, List<PeerView> already) {
        return views.sources(torrent, piece, already, SOURCES - already.size(), p -> sendsAtOnce.test(p.key));
    }

    /** The torrent's connected peers that have the piece, and how many of those do not choke flux ({@link PeerViews#holders}). */
    PieceHolders holders(TorrentId torrent, int piece, int connectedPeers) {
        return views.holders(torrent, piece, connectedPeers);
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
