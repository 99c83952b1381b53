package flux.cli;

import flux.lab.Media;
import flux.stream.FileData;
import flux.stream.PieceLayout;
import flux.stream.PiecePriorities;
import flux.stream.ReaderRegistry;
import flux.stream.StreamingFile;
import flux.stream.VerifiedPieces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan's tail before and after the head of a real file is in: the file is held in memory in
 * 16 KiB pieces, the plan's head is 32 KiB (2 pieces) and its window 64 KiB.
 */
@Timeout(300) // the first run encodes the videos
class IndexPrefetchTest {
    private static final int PIECE = 16 << 10;

    private final AtomicReference<PiecePriorities> replanned = new AtomicReference<>();
    private final AtomicReference<Double> playingTime = new AtomicReference<>();
    private VerifiedPieces verified;
    private PieceLayout layout;
    private PiecePriorities planned;

    private IndexPrefetch lookupOver(byte[] file) {
        layout = new PieceLayout(PIECE, file.length, 0, file.length);
        verified = new VerifiedPieces(layout.pieceCount());
        planned = new PiecePriorities(layout, 64 << 10, 32 << 10, 1);
        FileData data = (dst, at) -> {
            int n = (int) Math.min(dst.remaining(), file.length - at);
            dst.put(file, (int) at, n);
            return n;
        };
        StreamingFile streaming = new StreamingFile("video", layout, verified, new ReaderRegistry(), data);
        return new IndexPrefetch(streaming, data, verified, planned, replanned::set, playingTime::set);
    }

    private int[] orderWithTheHeadIn(PiecePriorities p) {
        BitSet head = new BitSet();
        head.set(0, 4); // the 64 KiB the lookup read
        return p.order(head, List.of(), List.of());
    }

    @Test
    void theMoovOfAnMp4IsFetchedFromItsStartOnceTheHeadIsInAndThenGivesThePlayingTime() throws Exception {
        byte[] mp4 = Files.readAllBytes(Media.mp4MoovAtEnd(8, 600));
        IndexPrefetch lookup = lookupOver(mp4);
        assertEquals(layout.lastPiece(), orderWithTheHeadIn(planned)[0], "before: only the last piece beside the head");

        Thread t = new Thread(() -> {
            try {
                lookup.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        for (int i = 0; i < 500 && t.getState() != Thread.State.TIMED_WAITING; i++) {
            Thread.sleep(10);
        }
        assertEquals(Thread.State.TIMED_WAITING, t.getState(), "the lookup waits for the head");
        assertNull(replanned.get(), "nothing is decided before the head is in");
        for (int piece = 0; piece < 4; piece++) {
            verified.markVerified(piece);
        }
        for (int i = 0; i < 1000 && replanned.get() == null; i++) {
            Thread.sleep(10);
        }

        long moov = Media.lastIndexOf(mp4, "moov".getBytes(StandardCharsets.US_ASCII)) - 4;
        int[] moovPieces = IntStream.rangeClosed(layout.pieceAt(moov), layout.lastPiece()).toArray();
        int[] order = orderWithTheHeadIn(replanned.get());
        assertArrayEquals(moovPieces, Arrays.copyOf(order, moovPieces.length), Arrays.toString(order));
        assertTrue(t.isAlive(), "the playing time waits for the moov");
        assertNull(playingTime.get());

        for (int piece : moovPieces) {
            verified.markVerified(piece);
        }
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(8, playingTime.get(), 0.2, "read from the moov's mvhd");
    }

    @Test
    void aFaststartMp4GetsNoTail() throws Exception {
        byte[] mp4 = Files.readAllBytes(Media.mp4Faststart(8, 600));
        IndexPrefetch lookup = lookupOver(mp4);
        headIn();
        lookup.run();
        assertNotNull(replanned.get());
        assertEquals(4, orderWithTheHeadIn(replanned.get())[0], "the file in order right after the head");
        assertEquals(8, playingTime.get(), 0.2, "read from the head");
    }

    @Test
    void aFileWithoutAKnownContainerGetsTheLastTwoMebibytes() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(3).nextBytes(data);
        data[4] = 'x';
        IndexPrefetch lookup = lookupOver(data);
        headIn();
        lookup.run();
        int[] order = orderWithTheHeadIn(replanned.get());
        int fromTail = layout.pieceAt(data.length - (2 << 20));
        assertArrayEquals(IntStream.rangeClosed(fromTail, layout.lastPiece()).toArray(),
                Arrays.copyOf(order, layout.lastPiece() - fromTail + 1));
        assertNull(playingTime.get());
    }

    private void headIn() {
        for (int piece = 0; piece < 4; piece++) {
            verified.markVerified(piece);
        }
    }
}
