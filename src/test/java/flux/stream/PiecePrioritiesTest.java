package flux.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class PiecePrioritiesTest {
    // A torrent of 25 pieces of 100 bytes: file A = bytes 0..249 (pieces 0-2), the selected file
    // B = bytes 250..1749 (pieces 2-17, starting and ending mid-piece), file C = bytes 1750..1999
    // (pieces 17-19), file D = bytes 2000..2499 (pieces 20-24).
    static final PieceLayout B = new PieceLayout(100, 2500, 250, 1500);
    static final int FIRST = 2;
    static final int LAST = 17;

    /** window 3 pieces, head 2 pieces, tail 1 piece */
    static final PiecePriorities SMALL = new PiecePriorities(B, 300, 200, 100);

    static int[] order(PiecePriorities p, BitSet verified, ReaderPosition... readers) {
        return p.order(verified, List.of(readers), List.of());
    }

    static ReaderPosition inB(int piece) {
        return new ReaderPosition(piece, LAST, false);
    }

    @Test
    void withoutReadersHeadAndTailComeFirstThenTheFileInOrder() {
        // head = 2, 3; tail = 17; interleaved head/tail, then the rest from the first piece
        assertArrayEquals(new int[] {2, 17, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
                order(SMALL, new BitSet()));
    }

    @Test
    void theNextVideosHeadAndTailComeOnceAllOfTheFileIsAskedFor() {
        // D (pieces 20-24) is the next video: head 20, 21 and tail 24, after every piece of B
        PiecePriorities d = new PiecePriorities(new PieceLayout(100, 2500, 2000, 500), 100, 200, 100);
        PiecePriorities p = SMALL.thenStartOf(d);
        assertArrayEquals(new int[] {2, 17, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 24, 21},
                order(p, new BitSet()));
        BitSet allOfB = new BitSet();
        allOfB.set(FIRST, LAST + 1);
        allOfB.set(21);
        assertArrayEquals(new int[] {20, 24}, order(p, allOfB), "what is verified is not asked again");
        // a reader on the next video is urgent, before anything of B
        assertArrayEquals(new int[] {22, 23}, Arrays.copyOf(order(p, new BitSet(), new ReaderPosition(22, 24, false)), 2));
    }

    @Test
    void anIndexAtTheEndIsFetchedFromItsStartAlternatingWithTheHead() {
        // B's bytes 1150.. are pieces 14-17 (B starts 250 bytes into the torrent)
        PiecePriorities moovAtEnd = SMALL.withTail(1150, 1500);
        assertArrayEquals(new int[] {2, 14, 3, 15, 16, 17, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13},
                order(moovAtEnd, new BitSet()));
    }

    @Test
    void anIndexInFrontLeavesNoTailAndKeepsTheNextVideosStart() {
        PiecePriorities d = new PiecePriorities(new PieceLayout(100, 2500, 2000, 500), 100, 100, 100);
        PiecePriorities faststart = SMALL.thenStartOf(d).withTail(0, 0);
        assertArrayEquals(new int[] {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20, 24},
                order(faststart, new BitSet()));
    }

    @Test
    void urgentPiecesOfAReaderComeBeforeHeadAndTail() {
        int[] order = order(SMALL, new BitSet(), inB(10));
        assertArrayEquals(new int[] {10, 11}, Arrays.copyOf(order, 2));
        // then head/tail, then the remaining window piece (12), then the rest
        assertArrayEquals(new int[] {10, 11, 2, 17, 3, 12, 13, 14, 15, 16, 4, 5, 6, 7, 8, 9}, order);
    }

    @Test
    void headAndTailComeBeforeTheReadAheadWindow() {
        PiecePriorities p = new PiecePriorities(B, 500, 200, 200); // window 5, head 2, tail 2
        List<Integer> order = asList(order(p, new BitSet(), inB(8)));
        int lastHeadOrTail = max(order.indexOf(2), order.indexOf(3), order.indexOf(16), order.indexOf(17));
        int firstWindowAfterUrgent = order.indexOf(10); // 8 and 9 are urgent; 10..12 are window
        assertTrue(lastHeadOrTail < firstWindowAfterUrgent, order.toString());
    }

    @Test
    void aReadersWindowIsNearestFirst() {
        PiecePriorities p = new PiecePriorities(B, 600, 100, 100); // window 6
        int[] order = order(p, new BitSet(), inB(6));
        // urgent 6, 7; head 2; tail 17; window continues 8, 9, 10, 11
        assertArrayEquals(new int[] {6, 7, 2, 17, 8, 9, 10, 11}, Arrays.copyOf(order, 8));
    }

    @Test
    void twoReadersShareUrgentPiecesAndTheMostRecentGetsItsWindowFirst() {
        PiecePriorities p = new PiecePriorities(B, 500, 200, 100); // window 5
        int[] order = order(p, new BitSet(), inB(5), inB(12));
        assertArrayEquals(new int[] {
                5, 12, 6, 13,          // urgent, round robin
                2, 17, 3,              // head/tail
                7, 8, 9,               // the most recent reader's window, nearest first
                14, 15, 16,            // then the other reader's window
                10, 11, 4},            // rest from the main reader (5), then what lies behind it
                order);
    }

    @Test
    void verifiedPiecesAreNeverReturned() {
        BitSet verified = new BitSet();
        verified.set(2);
        verified.set(10);
        verified.set(11);
        verified.set(17);
        int[] order = order(SMALL, verified, inB(10));
        for (int piece : order) {
            assertFalse(verified.get(piece), "verified piece " + piece + " in " + Arrays.toString(order));
        }
        // the reader's urgent pieces (10, 11) and head/tail 2 and 17 are there already: head 3 leads
        assertArrayEquals(new int[] {3, 12, 13, 14, 15, 16, 4, 5, 6, 7, 8, 9}, order);
    }

    @Test
    void everythingVerifiedGivesAnEmptyOrder() {
        BitSet all = new BitSet();
        all.set(0, 25);
        assertEquals(0, order(SMALL, all, inB(4)).length);
    }

    @Test
    void withoutReadersEveryPieceOfTheFileExactlyOnceAndNothingElse() {
        PiecePriorities p = new PiecePriorities(B, 1 << 20, 1 << 20, 1 << 20); // head/tail larger than the file
        int[] order = order(p, new BitSet());
        assertArrayEquals(IntStream.rangeClosed(FIRST, LAST).toArray(), Arrays.stream(order).sorted().toArray());
    }

    @Test
    void aReaderOnAnotherFileIsServedButLimitedToItsOwnLastPiece() {
        // reader on file C at piece 18, C's last piece is 19; a window of 5 would reach 22 (file D)
        PiecePriorities p = new PiecePriorities(B, 500, 200, 100);
        int[] order = order(p, new BitSet(), new ReaderPosition(18, 19, false));
        assertArrayEquals(new int[] {18, 19}, Arrays.copyOf(order, 2));
        // pieces outside B are exactly the reader's: none of D's
        int[] outside = Arrays.stream(order).filter(x -> x < FIRST || x > LAST).toArray();
        assertArrayEquals(new int[] {18, 19}, outside);
    }

    @Test
    void aReaderOnAnEarlierFileGetsItsWindowButNotPiecesPastItsEnd() {
        PiecePriorities p = new PiecePriorities(B, 1000, 100, 100); // window 10, from 0 would reach 9
        int[] order = order(p, new BitSet(), new ReaderPosition(0, 2, false));
        int[] outside = Arrays.stream(order).filter(x -> x < FIRST || x > LAST).toArray();
        assertArrayEquals(new int[] {0, 1}, outside, Arrays.toString(order));
        // piece 2 is shared by A and B: it may come once, no duplicates anywhere
        assertEquals(order.length, Arrays.stream(order).distinct().count(), Arrays.toString(order));
        // B's pieces all there, after the reader's
        assertArrayEquals(IntStream.rangeClosed(FIRST, LAST).toArray(),
                Arrays.stream(order).filter(x -> x >= FIRST && x <= LAST).sorted().toArray());
    }

    @Test
    void afterASeekTo90PercentTheFirstPiecesAreThere() {
        // one file of 100 pieces; the reader starts at 0 and then jumps to 90% (what a player's seek does)
        PieceLayout layout = new PieceLayout(100, 10_000, 0, 10_000);
        PiecePriorities p = new PiecePriorities(layout, 300, 100, 100); // window 3, head 1, tail 1
        ReaderRegistry registry = new ReaderRegistry();
        ReaderRegistry.Cursor cursor = registry.open(0, layout.lastPiece(), layout.lastPiece());
        assertArrayEquals(new int[] {0, 1}, Arrays.copyOf(p.order(new BitSet(), registry.positions(), List.of()), 2));

        cursor.moveTo(layout.pieceAt(9_000));
        int[] order = p.order(new BitSet(), registry.positions(), List.of());
        assertArrayEquals(new int[] {90, 91, 0, 99, 92}, Arrays.copyOf(order, 5));

        // the rest goes on from the reader to the end, then wraps to the start
        List<Integer> rest = asList(order).subList(5, order.length);
        List<Integer> expected = IntStream.concat(IntStream.rangeClosed(93, 98), IntStream.rangeClosed(1, 89))
                .boxed().toList();
        assertEquals(expected, rest);
    }

    @Test
    void theRestStartsFromTheMostRecentReaderNotTheOlderOne() {
        PiecePriorities p = new PiecePriorities(B, 100, 200, 100); // window 1: only urgent pieces per reader
        int[] order = order(p, new BitSet(), inB(14), inB(4));
        // from the older reader (4) the rest would be 6..13, 16
        assertArrayEquals(new int[] {14, 4, 15, 5, 2, 17, 3, 16, 6, 7, 8, 9, 10, 11, 12, 13}, order);
    }

    @Test
    void placesWhereReadersClosedGetTheirWindowsInTurnAfterTheOpenReadersAndBeforeTheRest() {
        // one file of 100 pieces, window 3, head 1, tail 1; a player reads from 20 while two
        // closed ranges (at 60, then at 40) left their places behind
        PieceLayout layout = new PieceLayout(100, 10_000, 0, 10_000);
        PiecePriorities p = new PiecePriorities(layout, 300, 100, 100);
        List<ReaderPosition> recent = List.of(new ReaderPosition(40, 99, false), new ReaderPosition(60, 99, false));
        int[] order = p.order(new BitSet(), List.of(new ReaderPosition(20, 99, false)), recent);
        // urgent 20, 21; head 0, tail 99; the reader's window 22; then 40, 60, 41, 61, 42, 62; then on from 23
        assertArrayEquals(new int[] {20, 21, 0, 99, 22, 40, 60, 41, 61, 42, 62, 23, 24}, Arrays.copyOf(order, 13));
        assertEquals(100, order.length, "every piece once");
        assertEquals(100, Arrays.stream(order).distinct().count());
    }

    @Test
    void withNoReaderOpenTheRestGoesOnFromThePlaceReadLast() {
        PieceLayout layout = new PieceLayout(100, 10_000, 0, 10_000);
        PiecePriorities p = new PiecePriorities(layout, 300, 100, 100);
        ReaderRegistry registry = new ReaderRegistry();
        registry.open(30, 30, layout.lastPiece()).close(); // a closed range in piece 30
        registry.open(70, 70, layout.lastPiece()).close(); // then one in piece 70
        BitSet verified = new BitSet();
        verified.set(30);
        verified.set(70);
        int[] order = p.order(verified, registry.positions(), registry.recentlyClosed());
        // head, tail, then 70's window and 30's in turn, then on from 70 to the end, then from the start
        List<Integer> expected = IntStream.concat(IntStream.of(0, 99, 71, 31, 72, 32),
                IntStream.concat(IntStream.rangeClosed(73, 98), IntStream.concat(IntStream.rangeClosed(1, 29),
                        IntStream.rangeClosed(33, 69)))).boxed().toList();
        assertEquals(expected, asList(order));
    }

    // --- PieceLayout ---

    @Test
    void layoutOfAFileStartingMidPiece() {
        PieceLayout l = new PieceLayout(100, 1000, 250, 500); // file bytes = torrent bytes 250..749
        assertEquals(10, l.pieceCount());
        assertEquals(2, l.pieceAt(0));
        assertEquals(2, l.pieceAt(49));
        assertEquals(3, l.pieceAt(50));
        assertEquals(7, l.pieceAt(499));
        assertEquals(2, l.firstPiece());
        assertEquals(7, l.lastPiece());
        assertEquals(50, l.pieceEndInFile(2), "piece 2 holds the file's bytes 0..49");
        assertEquals(150, l.pieceEndInFile(3));
        assertEquals(500, l.pieceEndInFile(7), "the last piece ends at the end of the file, not of the piece");
    }

    @Test
    void lastPieceOfAFileEndingExactlyOnAPieceBoundary() {
        PieceLayout l = new PieceLayout(100, 1000, 200, 300); // torrent bytes 200..499
        assertEquals(2, l.firstPiece());
        assertEquals(4, l.lastPiece());
        assertEquals(300, l.pieceEndInFile(4));
    }

    @Test
    void lastPieceOfTheTorrentMayBeShort() {
        PieceLayout l = new PieceLayout(100, 1050, 0, 1050);
        assertEquals(11, l.pieceCount());
        assertEquals(10, l.lastPiece());
        assertEquals(1050, l.pieceEndInFile(10));
    }

    @Test
    void piecesForRoundsUpAndIsAtLeastOne() {
        PieceLayout l = new PieceLayout(100, 1000, 0, 1000);
        assertEquals(1, l.piecesFor(0));
        assertEquals(1, l.piecesFor(100));
        assertEquals(2, l.piecesFor(101));
    }

    @Test
    void inconsistentLayoutsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PieceLayout(0, 1000, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new PieceLayout(100, 1000, 900, 101));
        assertThrows(IllegalArgumentException.class, () -> new PieceLayout(100, 1000, -1, 10));
    }

    private static List<Integer> asList(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    private static int max(int... values) {
        for (int v : values) {
            assertTrue(v >= 0, "piece missing from the order");
        }
        return Arrays.stream(values).max().orElseThrow();
    }
}
