package flux.engine;

import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.net.buffer.BufferedData;
import bt.net.buffer.DelegatingByteBufferView;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.DataWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Downloads pieces from a torrent's web seeds (BEP 19: plain HTTP servers with its files, such as
 * the Internet Archive's), for content that has few peers or none. A web seed is a peer that has
 * every piece and never chokes. Two connections to each read runs of pieces in playback order,
 * one piece to 8 MiB per Range request after the server's pace; a third reads only the piece a
 * reader waits on, so that a seek does not wait behind the others' runs ({@link WebSeedPieces}
 * says which), and keeps a connection open while idle. What {@link WebSeedHead} fetched before bt
 * was ready goes to bt first. The bytes go to bt's data path, which checks each piece against its
 * hash as it does a peer's. A server that fails is asked again after a pause (1, 5, 30, then
 * 60 s); one that sends three pieces that do not match is no longer asked.
 */
final class WebSeeds implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebSeeds.class);
    private static final int CONNECTIONS_PER_SEED = 2;
    /**
     * The bytes one request asks for: first this, then about half a second of what the server
     * sent lately, from one piece to {@link #MOST_RUN_BYTES}. Against lighttpd on this machine
     * (146 MiB, 1 MiB pieces, two connections) runs of 2 MiB took 0.95 s for the file and runs of
     * 8 MiB 0.57-0.63 s; a slow server's long run keeps its pieces from faster peers for long (a
     * 10 MB stream from a peer at 2 MB/s beside lighttpd at 100 KB/s, 2 MiB runs at least: 4.9 s
     * against 4.2 s from the peer alone).
     */
    static final long FIRST_RUN_BYTES = 2L << 20;
    private static final long MOST_RUN_BYTES = 8L << 20;
    /**
     * Bytes handed to bt's data path at once (bt's blocks, 16 KiB each, are all marked as there):
     * 16 blocks where one took the file from 0.80-0.90 to 0.57-0.63 s in the same comparison.
     */
    private static final int BLOCKS_PER_WRITE = 16;
    private static final int MOST_BAD_PIECES = 3;
    private static final long[] PAUSES_MILLIS = {1_000, 5_000, 30_000, 60_000};
    /** How often an idle connection looks for wanted pieces again. */
    private static final long IDLE_LOOK_MILLIS = 25;
    /** How often the connection kept for the pieces readers wait on looks for one: a seek waits for the look. */
    private static final long WAITED_LOOK_MILLIS = 3;
    /**
     * How often the connection kept for the pieces readers wait on asks for a byte while idle, so
     * that a seek finds a connection open: a new one costs a round trip (0.1 s more for a seek to
     * a server 100 ms away), and the JDK closes an idle one after 5 s unless the server says
     * otherwise.
     */
    private static final long KEEP_WARM_MILLIS = 4_000;
    /** Writes a connection leaves pending before it reads on: 2 MiB of heap each, with the heap capped at 128 MiB. */
    private static final int MOST_PENDING_WRITES = 8;

    private final TorrentId id;
    private final Torrent torrent;
    private final WebSeedPieces pieces;
    private final DataWorker data;
    private final IntConsumer verified;
    private final int blockSize;
    private final List<Thread> threads = new ArrayList<>();
    /** The responses being read, closed to end the reads when flux stops. */
    private final Set<InputStream> reading = ConcurrentHashMap.newKeySet();
    private final AtomicLong downloaded = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param verified told of each piece a web seed delivered and bt verified
     * @param blockSize bt's block size: the bytes it marks as there are counted in those
     */
    WebSeeds(TorrentId id, Torrent torrent, WebSeedPieces pieces, DataWorker data, IntConsumer verified, int blockSize) {
        this.id = id;
        this.torrent = torrent;
        this.pieces = pieces;
        this.data = data;
        this.verified = verified;
        this.blockSize = blockSize;
    }

    /**
     * Starts fetching from each usable URL; the others are named in the log. The pieces of
     * {@code head} still wanted are claimed before any connection starts, and handed to bt as its
     * bytes come.
     */
    void start(List<String> urls, Optional<WebSeedHead> head) {
        for (String url : urls) {
            WebSeed seed = WebSeed.of(url);
            if (seed == null) {
                log.info("{}: web seed {} is not an http(s) URL, not used", torrent.getName(), url);
                continue;
            }
            log.info("{}: also downloading from web seed {}", torrent.getName(), url);
            Server server = new Server(seed);
            if (head.isPresent() && url.equals(head.get().url())) {
                WebSeedHead h = head.get();
                // the connections' first runs go at the head's pace: a server that sends 50 KiB/s
                // kept 2 MiB from a local peer for 40 s
                server.runBytes = server.runBytesAt(h.bytesPerSecond());
                // all in: kept from the peers too while bt takes it; still coming (a slow or far
                // server): kept only from the other connections, and peers may be faster
                boolean in = h.complete();
                int[] claimed = in ? pieces.claim(h.pieces().indexes()) : pieces.claimAhead(h.pieces().indexes());
                log.debug("{}: pieces {} come from what was fetched ahead{}", torrent.getName(), Arrays.toString(claimed),
                        in ? "" : ", as they come");
                if (claimed.length > 0) {
                    start(() -> server.deliver(h, claimed), "flux-web-seed-head");
                }
            }
            for (int i = 0; i < CONNECTIONS_PER_SEED; i++) {
                start(() -> server.run(() -> pieces.claim(server.runBytes), IDLE_LOOK_MILLIS, false), "flux-web-seed-" + i);
            }
            start(() -> server.run(pieces::claimWaitedOn, WAITED_LOOK_MILLIS, true), "flux-web-seed-sought");
        }
    }

    private void start(Runnable work, String name) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    /** Bytes the web seeds sent so far, pieces that failed their check included. */
    long downloaded() {
        return downloaded.get();
    }

    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
        // on a thread of its own: the JDK's response stream closes only once a read in progress
        // returns, and a slow or silent server's read blocks until bytes come or the read times
        // out (30 s); a stream stopped 1.5 s after its last byte behind a 100 KB/s server
        Thread closer = new Thread(() -> reading.forEach(WebSeeds::closeQuietly), "flux-web-seed-close");
        closer.setDaemon(true);
        closer.start();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is all that is wanted
        }
    }

    /** One web seed, and what its connections share: its failures, its bad pieces, the size of the next run. */
    private final class Server {
        private final WebSeed seed;
        private final Peer peer;
        private final AtomicInteger badPieces = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicBoolean warming = new AtomicBoolean();
        /** The next run's size, from the rate of the last one. */
        private volatile long runBytes = FIRST_RUN_BYTES;

        Server(WebSeed seed) {
            this.seed = seed;
            // bt's data path names the peer a block came from; the server's own address is not needed
            this.peer = InetPeer.build(InetAddress.getLoopbackAddress(), 0);
        }

        /** Half a second at this pace, one piece at least. */
        long runBytesAt(long bytesPerSecond) {
            return Math.max(torrent.getChunkSize(), Math.min(MOST_RUN_BYTES, bytesPerSecond / 2));
        }

        /**
         * Fetches the runs {@code claims} gives, looking again after {@code idleMillis} when it
         * gives none; {@code keepWarm}: while idle, keeps a connection to the server open.
         */
        void run(Supplier<int[]> claims, long idleMillis, boolean keepWarm) {
            long warmEvery = TimeUnit.MILLISECONDS.toNanos(KEEP_WARM_MILLIS);
            // not at once: the connections opened ahead (WebSeedHead) are there for a first seek
            long lastAsked = System.nanoTime();
            while (!closed && badPieces.get() < MOST_BAD_PIECES && !pieces.done()) {
                int[] run = claims.get();
                if (run.length == 0) {
                    if (keepWarm && System.nanoTime() - lastAsked >= warmEvery && pieces.anyWanted()) {
                        warm();
                        lastAsked = System.nanoTime();
                    }
                    if (!pause(idleMillis)) {
                        return;
                    }
                    continue;
                }
                try {
                    long started = System.nanoTime();
                    lastAsked = started;
                    long bytes = fetch(run);
                    long rate = bytes * 1_000_000_000L / Math.max(1, System.nanoTime() - started);
                    runBytes = runBytesAt(rate);
                    failures.set(0);
                } catch (IOException | RuntimeException e) {
                    if (closed) {
                        return;
                    }
                    int failed = failures.getAndIncrement();
                    long pause = PAUSES_MILLIS[Math.min(failed, PAUSES_MILLIS.length - 1)];
                    String reason = e.getMessage() != null ? e.getMessage() : e.toString();
                    if (failed == 0) {
                        log.warn("{}: web seed {} failed ({}); asking it again in {} s", torrent.getName(), seed.url(), reason, pause / 1000);
                    } else {
                        log.debug("web seed {} failed again ({}); next try in {} s", seed.url(), reason, pause / 1000);
                    }
                    pieces.release(run);
                    if (!pause(pause)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    pieces.release(run);
                    return;
                }
            }
        }

        /** Opens a connection ahead for the next request, unless one is being opened. */
        private void warm() {
            if (warming.compareAndSet(false, true)) {
                seed.warm(torrent, () -> warming.set(false));
            }
        }

        /** Downloads the pieces of a run, file by file, and waits until bt has written and checked them; returns the bytes. */
        private long fetch(int[] run) throws IOException, InterruptedException {
            long pieceSize = torrent.getChunkSize();
            long start = run[0] * pieceSize;
            long end = Math.min(torrent.getSize(), (run[run.length - 1] + 1) * pieceSize);
            Writes blocks = new Writes(start);
            try {
                for (WebSeed.Part part : seed.parts(torrent, start, end)) {
                    read(part, blocks);
                }
                blocks.finish();
                return end - start;
            } finally {
                pieces.release(run);
            }
        }

        /** Reads a part's bytes into {@code blocks}. */
        private void read(WebSeed.Part part, Writes blocks) throws IOException, InterruptedException {
            InputStream in = seed.get(part);
            reading.add(in);
            try (in) {
                long left = part.length();
                while (left > 0) {
                    ByteBuffer block = blocks.current();
                    int n = in.read(block.array(), block.position(), (int) Math.min(block.remaining(), left));
                    if (n < 0) {
                        throw new IOException(part.url() + " ended " + left + " bytes early");
                    }
                    block.position(block.position() + n);
                    left -= n;
                    downloaded.addAndGet(n);
                    blocks.filled();
                }
            } finally {
                reading.remove(in);
            }
        }

        /**
         * Hands bt the pieces of {@code head} that were claimed for it, each as soon as its bytes
         * are in and unless a peer delivered it first; those it could not fetch go back to the
         * others.
         */
        void deliver(WebSeedHead head, int[] claimed) {
            try {
                long pieceSize = torrent.getChunkSize();
                int first = head.pieces().first();
                Writes blocks = null;
                int lastWritten = -2;
                for (int piece : claimed) {
                    int from = (int) ((piece - first) * pieceSize);
                    int length = (int) Math.min(pieceSize, torrent.getSize() - piece * pieceSize);
                    byte[] bytes = head.bytes(from + length);
                    if (pieces.verified(piece)) {
                        continue;
                    }
                    if (piece != lastWritten + 1) {
                        if (blocks != null) {
                            blocks.finish();
                        }
                        blocks = new Writes(piece * pieceSize);
                    }
                    blocks.put(bytes, from, length);
                    lastWritten = piece;
                    downloaded.addAndGet(length);
                }
                if (blocks != null) {
                    blocks.finish();
                }
            } catch (IOException e) {
                log.debug("web seed {}: its first pieces could not be fetched ahead ({}); the connections ask for them", seed.url(),
                        e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pieces.release(claimed);
            }
        }

        /** Waits, unless flux stops meanwhile (false). */
        private boolean pause(long millis) {
            try {
                TimeUnit.MILLISECONDS.sleep(millis);
                return !closed;
            } catch (InterruptedException e) {
                return false;
            }
        }

        /**
         * Cuts the bytes of a run into bt's blocks (each within one piece) and hands each to bt's
         * data path; a piece's check comes with its last block's write.
         */
        private final class Writes {
            /** Each block's write, and the check of its piece when it was the last block in. */
            private final ArrayDeque<CompletableFuture<?>> pending = new ArrayDeque<>();
            private long at;
            private ByteBuffer block;

            Writes(long at) {
                this.at = at;
            }

            /** The block being filled, a new one if the last was handed over. */
            ByteBuffer current() {
                if (block == null) {
                    long pieceSize = torrent.getChunkSize();
                    long pieceEnd = Math.min(torrent.getSize(), (at / pieceSize + 1) * pieceSize);
                    block = ByteBuffer.allocate((int) Math.min((long) BLOCKS_PER_WRITE * blockSize, pieceEnd - at));
                }
                return block;
            }

            /** Copies bytes of the run, in order, into blocks and hands each over once full. */
            void put(byte[] bytes, int offset, int length) throws InterruptedException {
                while (length > 0) {
                    ByteBuffer b = current();
                    int n = Math.min(b.remaining(), length);
                    b.put(bytes, offset, n);
                    offset += n;
                    length -= n;
                    filled();
                }
            }

            /** Hands the block over once full; waits when bt's data path has many of them still to write. */
            void filled() throws InterruptedException {
                if (block.hasRemaining()) {
                    return;
                }
                long pieceSize = torrent.getChunkSize();
                int piece = (int) (at / pieceSize);
                int offset = (int) (at % pieceSize);
                block.flip();
                at += block.remaining();
                CompletableFuture<BlockWrite> write = data.addBlock(id, peer, piece, offset,
                        new BufferedData(new DelegatingByteBufferView(block)));
                block = null;
                pending.add(write.thenCompose(w -> w.getVerificationFuture()
                        .map(check -> check.thenAccept(good -> checked(piece, good)))
                        .orElse(CompletableFuture.completedFuture(null))));
                while (pending.size() > MOST_PENDING_WRITES) {
                    await(pending.poll());
                }
            }

            /** Waits for every write and every check of the run. */
            void finish() throws InterruptedException {
                while (!pending.isEmpty()) {
                    await(pending.poll());
                }
            }

            private void await(CompletableFuture<?> future) throws InterruptedException {
                try {
                    future.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    log.debug("web seed block: {}", e.getCause().toString());
                }
            }
        }

        private void checked(int piece, boolean good) {
            if (good) {
                verified.accept(piece);
                return;
            }
            int bad = badPieces.incrementAndGet();
            if (bad == MOST_BAD_PIECES) {
                log.warn("{}: web seed {} sent {} pieces that do not match the torrent; no longer asking it",
                        torrent.getName(), seed.url(), bad);
            } else {
                log.debug("web seed {}: piece {} does not match its hash", seed.url(), piece);
            }
        }
    }
}
