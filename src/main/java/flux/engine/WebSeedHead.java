package flux.engine;

import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The first pieces of the file a stream will play, asked of the torrent's first web seed as the
 * process starts, while bt is still being wired: a .torrent's stream sets its data up ~0.3 s
 * after the JVM starts, and only then would {@link WebSeeds} send its first request. With this the
 * request, the connection to the server (its TLS handshake too) and the transfer overlap the
 * wiring; {@link WebSeeds} hands the bytes to bt once the data is set up, as it would its own.
 * A guess that turns out wrong (another file chosen, the pieces already on disk) costs the
 * download of these few MiB, never a wrong byte: only pieces the stream still wants are used,
 * and bt checks each against its hash.
 */
public final class WebSeedHead {
    private static final Logger log = LoggerFactory.getLogger(WebSeedHead.class);
    /** As much as a web-seed connection's first run, in whole pieces. */
    static final long HEAD_BYTES = WebSeeds.FIRST_RUN_BYTES;
    /** Larger pieces are not fetched ahead: the heap is capped at 128 MiB, and one such piece is most of a player's first minute anyway. */
    private static final long MOST_PIECE_BYTES = 8L << 20;
    /**
     * Connections opened ahead beside the head's own, so that the web seed's two connections and
     * the one kept for seeks each find one open when bt is ready: a seek right after the start
     * otherwise waited two round trips for a new connection.
     */
    private static final int CONNECTIONS_AHEAD = 2;
    private static final AtomicReference<WebSeedHead> STARTED = new AtomicReference<>();

    /** The pieces a head is made of: {@code count} from {@code first}. */
    record Pieces(int first, int count) {
        int[] indexes() {
            int[] all = new int[count];
            Arrays.setAll(all, i -> first + i);
            return all;
        }
    }

    /** What it asks for, and of whom: known once the torrent is parsed and the file chosen. */
    private record Plan(TorrentId torrent, String url, Pieces pieces) {
    }

    /**
     * How long {@link #take} waits for the plan: the engine parsed the same torrent with the same
     * parser before it asks, so only a thread starved of the CPU is still at it.
     */
    private static final long PLAN_WAIT_MILLIS = 1_000;

    private final CompletableFuture<Plan> plan = new CompletableFuture<>();
    /** Whole pieces from the plan's first (the torrent's last piece may be short), filled as they come. */
    private byte[] data;
    /** How many bytes of {@link #data} are in; all once {@link #done}. Guarded by this. */
    private int received;
    private boolean done;
    private IOException failure;
    /** When its request was sent, and when its last byte came: its pace is the server's. */
    private long startedNanos;
    private long endedNanos;

    private WebSeedHead() {
    }

    /**
     * For a .torrent file with web seeds, starts fetching the first pieces of the file
     * {@code choose} picks (a stream's choice) on a thread of its own; anything else is left alone.
     */
    public static void start(TorrentInput input, Function<TorrentMeta, TorrentMeta.FileEntry> choose) {
        if (!(input instanceof TorrentInput.TorrentFile || input instanceof TorrentInput.TorrentBytes)) {
            return; // a magnet's pieces are known only with its metadata; a URL would be fetched twice
        }
        WebSeedHead head = new WebSeedHead();
        STARTED.set(head);
        Thread thread = new Thread(() -> head.fetch(input, choose), "flux-web-seed-head");
        thread.setDaemon(true);
        thread.start();
    }

    /** The head started for this torrent, once; empty when none was, it was for another, or it fetches nothing. */
    static Optional<WebSeedHead> take(TorrentId torrent) {
        WebSeedHead head = STARTED.getAndSet(null);
        if (head == null) {
            return Optional.empty();
        }
        try {
            return torrent.equals(head.plan.get(PLAN_WAIT_MILLIS, TimeUnit.MILLISECONDS).torrent()) ? Optional.of(head) : Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The pieces that hold the first {@link #HEAD_BYTES} of {@code file} (or all of a smaller one);
     * none for an empty file or pieces over {@link #MOST_PIECE_BYTES}.
     */
    static Pieces piecesOf(TorrentMeta meta, TorrentMeta.FileEntry file) {
        if (file.size() == 0 || meta.pieceLength() > MOST_PIECE_BYTES) {
            return new Pieces(0, 0);
        }
        long first = file.offset() / meta.pieceLength();
        long last = (file.offset() + Math.min(file.size(), HEAD_BYTES) - 1) / meta.pieceLength();
        return new Pieces((int) first, (int) (last - first + 1));
    }

    /** The web seed it asks: the URL as the torrent lists it. */
    String url() {
        return plan.join().url();
    }

    Pieces pieces() {
        return plan.join().pieces();
    }

    /** True once all its bytes are in. */
    synchronized boolean complete() {
        return done && failure == null;
    }

    /**
     * Its bytes from the first piece's start, once the first {@code length} of them are in
     * (waiting for them while they come).
     *
     * @throws IOException when the fetch failed before
     */
    synchronized byte[] bytes(int length) throws IOException, InterruptedException {
        while (received < length && !done) {
            wait();
        }
        if (received < length) {
            throw failure;
        }
        return data;
    }

    /** The server's pace so far: bytes per second from the request to the last byte in (the connection's set-up included). */
    synchronized long bytesPerSecond() {
        long elapsed = (done ? endedNanos : System.nanoTime()) - startedNanos;
        return received * 1_000_000_000L / Math.max(elapsed, TimeUnit.MILLISECONDS.toNanos(1));
    }

    private synchronized void started(byte[] all) {
        data = all;
        startedNanos = System.nanoTime();
    }

    private synchronized void arrived(int n) {
        received += n;
        notifyAll();
    }

    private synchronized void ended(IOException e) {
        endedNanos = System.nanoTime();
        done = true;
        failure = e;
        notifyAll();
    }

    private void fetch(TorrentInput input, Function<TorrentMeta, TorrentMeta.FileEntry> choose) {
        try {
            WebSeed seed = Metainfo.peek(input).webSeeds().stream().map(WebSeed::of).filter(Objects::nonNull).findFirst().orElse(null);
            if (seed == null) {
                throw new IOException("no http(s) web seed");
            }
            Torrent t = Metainfo.parse(input);
            TorrentMeta meta = TorrentMeta.of(t);
            Pieces wanted = piecesOf(meta, choose.apply(meta));
            if (wanted.count() == 0) {
                throw new IOException("an empty file, or pieces too large to hold");
            }
            plan.complete(new Plan(t.getTorrentId(), seed.url(), wanted));
            for (int i = 0; i < CONNECTIONS_AHEAD; i++) {
                seed.warm(t, () -> { });
            }
            long start = wanted.first() * t.getChunkSize();
            long end = Math.min(t.getSize(), (wanted.first() + wanted.count()) * t.getChunkSize());
            byte[] all = new byte[(int) (end - start)];
            started(all);
            int at = 0;
            for (WebSeed.Part part : seed.parts(t, start, end)) {
                try (InputStream in = seed.get(part)) {
                    int partEnd = at + (int) part.length();
                    while (at < partEnd) {
                        int n = in.read(all, at, Math.min(partEnd - at, 64 * 1024));
                        if (n < 0) {
                            throw new IOException(part.url() + " ended " + (partEnd - at) + " bytes early");
                        }
                        at += n;
                        arrived(n);
                    }
                }
            }
            log.debug("{}: fetched pieces {}-{} from web seed {} ahead", t.getName(), wanted.first(),
                    wanted.first() + wanted.count() - 1, seed.url());
            ended(null);
        } catch (IOException | RuntimeException e) {
            // the connections meet the same server and say what is wrong with it, once
            log.debug("fetching the first pieces from a web seed ahead: {}", e.toString());
            plan.completeExceptionally(e);
            ended(e instanceof IOException io ? io : new IOException(e));
        }
    }
}
