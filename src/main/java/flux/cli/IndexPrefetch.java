package flux.cli;

import flux.engine.TorrentSession;
import flux.stream.ContainerIndex;
import flux.stream.FileData;
import flux.stream.MediaDuration;
import flux.stream.PiecePriorities;
import flux.stream.StreamingFile;
import flux.stream.VerifiedPieces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/**
 * Until the chosen file's head is in, the plan fetches only the file's last piece beside it (an
 * index at the end usually fits in it, and it arrives as early as the head). Then the head's
 * container headers ({@link ContainerIndex}) say which bytes at the end a player reads at open,
 * and the plan's tail becomes exactly those: all of a long film's moov, nothing more for a
 * faststart MP4 or a Matroska file. Where the head tells nothing, the tail is the last
 * {@link #fallbackTailBytes} of the file, as before flux read containers. Then the headers' playing
 * time ({@link MediaDuration}) is read where it lies (an MP4's moov may be at the end) once those
 * bytes are in, for the status to tell seconds of video.
 */
final class IndexPrefetch {
    private static final Logger log = LoggerFactory.getLogger(IndexPrefetch.class);
    /** How far into the head the headers are looked for (the head the plan fetches first). */
    static final long HEAD_BYTES = 2L << 20;
    /** The first read: every container's headers fit in this much of ffmpeg's and mkvmerge's files. */
    private static final long FIRST_READ = 64 << 10;
    /** A stream whose head does not come in this long keeps the last-piece tail. */
    private static final long GIVE_UP_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final StreamingFile file;
    private final FileData data;
    private final VerifiedPieces verified;
    private final PiecePriorities planned;
    private final Consumer<PiecePriorities> replan;
    private final DoubleConsumer playingTime;
    /** When waiting for bytes ends ({@link System#nanoTime}). */
    private long deadline;

    IndexPrefetch(StreamingFile file, FileData data, VerifiedPieces verified, PiecePriorities planned,
                  Consumer<PiecePriorities> replan, DoubleConsumer playingTime) {
        this.file = file;
        this.data = data;
        this.verified = verified;
        this.planned = planned;
        this.replan = replan;
        this.playingTime = playingTime;
    }

    /** Looks at the head once it is in, on a thread of its own: waiting for it and reading it must not hold up bt's threads. */
    static void start(TorrentSession session, int fileIndex, StreamingFile file, PiecePriorities planned,
                      DoubleConsumer playingTime) {
        IndexPrefetch lookup = new IndexPrefetch(file, session.fileData(fileIndex), session.verified(), planned,
                session::replan, playingTime);
        Thread t = new Thread(() -> {
            try {
                lookup.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                log.debug("{}: the container's headers could not be read: the tail as it was, no playing time", file.name(), e);
            }
        }, "flux-index");
        t.setDaemon(true);
        t.start();
    }

    /** The tail when the head names no index: the last 2 MiB or 0.5 % (an MP4 moov grows with the duration). */
    static long fallbackTailBytes(long fileLength) {
        return Math.max(2L << 20, fileLength / 200);
    }

    void run() throws InterruptedException, IOException {
        long length = file.length();
        long limit = Math.min(HEAD_BYTES, length);
        long want = Math.min(FIRST_READ, limit);
        deadline = System.nanoTime() + GIVE_UP_NANOS;
        while (true) {
            long have = Math.min(file.availableFrom(0), limit);
            if (have < want) {
                if (System.nanoTime() > deadline) {
                    return;
                }
                verified.await(file.layout().pieceAt(have), 1_000);
                continue;
            }
            ContainerIndex.Where where = ContainerIndex.locate(read(have), length);
            if (where instanceof ContainerIndex.NeedMore more && more.bytes() <= limit) {
                want = more.bytes();
                continue;
            }
            apply(where, length);
            break;
        }
        MediaDuration.seconds(this::readWhenIn, length).ifPresent(playingTime);
    }

    void apply(ContainerIndex.Where where, long length) {
        long fallback = fallbackTailBytes(length);
        if (where instanceof ContainerIndex.AtEnd end && end.to() - end.from() <= Math.max(fallback, length / 20)) {
            log.debug("{}: its {} is at bytes {}-{}: fetched from there after the head", file.name(), end.what(), end.from(), end.to() - 1);
            replan.accept(planned.withTail(end.from(), end.to()));
        } else if (where instanceof ContainerIndex.InFront front) {
            log.debug("{}: its index is in front ({}): nothing at the end is fetched early", file.name(), front.what());
            replan.accept(planned.withTail(0, 0));
        } else {
            log.debug("{}: no index found in the head ({}): the last {} bytes are fetched early", file.name(), where, fallback);
            replan.accept(planned.withTail(Math.max(0, length - fallback), length));
        }
    }

    /** The bytes at {@code offset} once they are downloaded and verified. */
    private ByteBuffer readWhenIn(long offset, int length) throws IOException, InterruptedException {
        long end = Math.min(file.length(), offset + length);
        for (long have; offset < end && (have = file.availableFrom(offset)) < end - offset; ) {
            if (System.nanoTime() > deadline) {
                throw new InterruptedIOException("bytes " + offset + "-" + (end - 1) + " did not come");
            }
            verified.await(file.layout().pieceAt(offset + have), 1_000);
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) Math.max(0, end - offset));
        data.readFully(bytes, offset);
        return bytes.flip();
    }

    private ByteBuffer read(long bytes) throws IOException {
        ByteBuffer head = ByteBuffer.allocate((int) bytes);
        data.readFully(head, 0);
        return head.flip();
    }
}
