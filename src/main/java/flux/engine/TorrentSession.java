package flux.engine;

import bt.data.Bitfield;
import bt.data.Storage;
import bt.data.StorageUnit;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.runtime.BtClient;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.TorrentSessionState;
import flux.stream.FileData;
import flux.stream.PiecePriorities;
import flux.stream.ReaderRegistry;
import flux.stream.VerifiedPieces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** One torrent running in the engine: its metadata, verified pieces, readers and counters. */
public final class TorrentSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TorrentSession.class);
    private final TorrentId id;
    private final Storage storage;
    private final TorrentRegistry registry;
    private final UrgentRequests peers;
    private final Supplier<TrackerReplies.Tally> trackers;
    private final ReaderRegistry readers = new ReaderRegistry();
    private final PlaybackSelector selector = new PlaybackSelector(readers);
    private final WaitedOnPieces waitedOn;
    private final CompletableFuture<TorrentMeta> metadata = new CompletableFuture<>();
    private final AtomicInteger connectedPeers = new AtomicInteger();
    private final AtomicInteger knownPeers = new AtomicInteger();
    private final CompletableFuture<BitSet> initiallyVerified = new CompletableFuture<>();
    private final CompletableFuture<Void> active = new CompletableFuture<>();
    private volatile BitSet trusted = new BitSet();
    private volatile BitSet known = new BitSet();
    private volatile int piecesHashedAtStart;
    private volatile Torrent torrent;
    private volatile TorrentMeta meta;
    private volatile VerifiedPieces verified;
    private volatile TorrentSessionState state;
    private volatile BtClient client;
    private volatile WebSeeds webSeeds;

    /**
     * @param peers    what flux knows of each connected peer: which pieces it has, whether it chokes flux
     * @param trackers which of the torrent's trackers answered so far
     */
    TorrentSession(TorrentId id, Storage storage, TorrentRegistry registry, UrgentRequests peers,
                   Supplier<TrackerReplies.Tally> trackers) {
        this.id = id;
        this.storage = storage;
        this.registry = registry;
        this.peers = peers;
        this.trackers = trackers;
        this.waitedOn = new WaitedOnPieces(id, registry, readers, selector);
    }

    TorrentId id() {
        return id;
    }

    public String infoHash() {
        return java.util.HexFormat.of().formatHex(id.getBytes());
    }

    PlaybackSelector selector() {
        return selector;
    }

    /** The pieces readers wait on, for {@link UrgentRequests}. */
    UrgentRequests.Waiting waitedOn() {
        return waitedOn;
    }

    void attach(BtClient client, CompletableFuture<?> running) {
        this.client = client;
        running.whenComplete((ok, error) -> {
            if (error != null) {
                metadata.completeExceptionally(error);
            }
        });
    }

    /** Called on bt's thread once the metadata is known, before any piece is requested. */
    void metadataArrived(Torrent t) {
        this.torrent = t;
        this.meta = TorrentMeta.of(t);
        this.verified = new VerifiedPieces(meta.pieceCount());
        waitedOn.verifiedPieces(verified);
    }

    /** Completes {@link #metadata()} once the owner has planned what to download. */
    void metadataPlanned() {
        metadata.complete(meta);
    }

    /** The metadata; null until it has arrived. */
    public TorrentMeta meta() {
        return meta;
    }

    void pieceVerified(int piece) {
        selector.pieceVerified(piece);
        VerifiedPieces v = verified;
        if (v != null) {
            v.markVerified(piece);
        }
    }

    /** Takes bt's counters of the session anew (the engine does, once a second and when the torrent stops). */
    void refresh() {
        Optional<TorrentDescriptor> d = registry.getDescriptor(id);
        d.flatMap(TorrentDescriptor::getSessionState).ifPresent(s -> state = s);
        syncVerifiedFromBitfield(d);
    }

    /** Pieces that were already on disk at start are verified by bt without events: copy them. */
    private void syncVerifiedFromBitfield(Optional<TorrentDescriptor> d) {
        VerifiedPieces v = verified;
        if (v == null) {
            return;
        }
        if (d.isEmpty() || d.get().getDataDescriptor() == null) {
            return;
        }
        Bitfield bits = d.get().getDataDescriptor().getBitfield();
        if (bits.getPiecesComplete() == v.count()) {
            return;
        }
        for (int i = 0; i < v.pieceCount(); i++) {
            if (bits.isVerified(i)) {
                v.markVerified(i);
            }
        }
    }

    /** Set before start: pieces known good from the resume state, marked verified without hashing. */
    public void trust(BitSet pieces) {
        trust(pieces, pieces);
    }

    /**
     * Set before start: of the pieces in {@code known} (whose files are as the resume state saw
     * them) those in {@code good} are verified and the others missing, all without hashing; the
     * rest is hashed where data is present.
     */
    public void trust(BitSet good, BitSet known) {
        this.trusted = (BitSet) good.clone();
        this.known = (BitSet) known.clone();
    }

    BitSet trustedPieces() {
        return trusted;
    }

    BitSet knownPieces() {
        return known;
    }

    /** bt finished checking the data present at start: these pieces are verified, {@code hashed} were read for it. */
    void initialVerification(BitSet pieces, int hashed) {
        VerifiedPieces v = verified;
        if (v != null) {
            pieces.stream().forEach(v::markVerified);
        }
        piecesHashedAtStart = hashed;
        initiallyVerified.complete(pieces);
    }

    /** How many pieces bt read and hashed at start (the others were trusted or had no data); valid once {@link #initiallyVerified} completed. */
    public int piecesHashedAtStart() {
        return piecesHashedAtStart;
    }

    /** Completes with the verified pieces once the data present at start has been checked. */
    public CompletableFuture<BitSet> initiallyVerified() {
        return initiallyVerified;
    }

    /**
     * Completes when bt has started the torrent after checking its data: only from then on does it
     * answer a peer's handshake for it (before, bt closes the connection).
     */
    public CompletableFuture<Void> active() {
        return active;
    }

    void started() {
        active.complete(null);
    }

    void peerConnected() {
        connectedPeers.incrementAndGet();
    }

    void peerDisconnected() {
        connectedPeers.updateAndGet(n -> Math.max(0, n - 1));
    }

    void peerDiscovered() {
        knownPeers.incrementAndGet();
    }

    public CompletableFuture<TorrentMeta> metadata() {
        return metadata;
    }

    /**
     * Sets the download order; from now on only the pieces this plan names are fetched. The
     * file's first piece, which every player reads first, is fetched as a seek's piece is
     * ({@link WaitedOnPieces#soughtFromTheStart}).
     */
    public void plan(PiecePriorities priorities) {
        selector.plan(priorities, verified);
        waitedOn.soughtFromTheStart(priorities.layout().firstPiece());
    }

    /** Changes the download order of a plan already set (its tail, once the container is read). */
    public void replan(PiecePriorities priorities) {
        selector.plan(priorities, verified);
    }

    /** Downloads nothing (used when only the file list is wanted). */
    public void planNothing() {
        selector.pause();
    }

    public ReaderRegistry readers() {
        return readers;
    }

    /** Verified pieces; null until the metadata is known. */
    public VerifiedPieces verified() {
        return verified;
    }

    public int connectedPeers() {
        return connectedPeers.get();
    }

    public int knownPeers() {
        return knownPeers.get();
    }

    /** How many of the torrent's trackers were asked so far, and how many answered. */
    public TrackerReplies.Tally trackers() {
        return trackers.get();
    }

    /** Which connected peers could send the piece now (for a reader that waits long for it). */
    public PieceHolders holders(int piece) {
        return peers.holders(id, piece, connectedPeers());
    }

    /** Bytes downloaded from peers and web seeds. */
    public long downloadedBytes() {
        TorrentSessionState s = state;
        WebSeeds w = webSeeds;
        return (s == null ? 0 : s.getDownloaded()) + (w == null ? 0 : w.downloaded());
    }

    boolean hasWebSeeds() {
        return webSeeds != null;
    }

    /** The torrent's web seeds, fetching from now until the session closes. */
    void webSeeds(WebSeeds seeds) {
        this.webSeeds = seeds;
    }

    /** The torrent, once its metadata is known. */
    Torrent torrent() {
        return torrent;
    }

    public long uploadedBytes() {
        TorrentSessionState s = state;
        return s == null ? 0 : s.getUploaded();
    }

    /** Reads the stored bytes of one file (only call for verified ranges). */
    public FileData fileData(int fileIndex) {
        Torrent t = torrent;
        if (t == null) {
            throw new IllegalStateException("metadata not known yet");
        }
        StorageUnit unit = storage.getUnit(t, t.getFiles().get(fileIndex));
        return (ByteBuffer dst, long offset) -> {
            int n = unit.readBlock(dst, offset);
            if (n < 0) {
                throw new IOException("file " + fileIndex + " is not on disk");
            }
            return n;
        };
    }

    /**
     * Stops the torrent. Kept data is synced to disk first: the stream's resume record, saved
     * after this, vouches for the verified pieces without reading them again, so they must be on
     * the disk, not only in the page cache, when it is written (a scratch download's sync does nothing).
     */
    @Override
    public void close() {
        WebSeeds w = webSeeds;
        if (w != null) {
            w.close();
        }
        BtClient c = client;
        if (c != null && c.isStarted()) {
            try {
                storage.flush();
            } catch (UncheckedIOException e) {
                log.warn("could not sync the download to disk: {}", e.getCause().getMessage());
            }
            c.stop();
        }
        metadata.cancel(false);
    }
}
