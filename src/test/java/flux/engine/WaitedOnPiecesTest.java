package flux.engine;

import bt.metainfo.TorrentId;
import flux.stream.ReaderRegistry;
import flux.stream.VerifiedPieces;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitedOnPiecesTest {
    private final AtomicLong now = new AtomicLong();
    private final ReaderRegistry readers = new ReaderRegistry(now::get);
    private final WaitedOnPieces waited = new WaitedOnPieces(TorrentId.fromBytes(new byte[20]), null, readers,
            new PlaybackSelector(readers));
    private final VerifiedPieces verified = new VerifiedPieces(10);

    WaitedOnPiecesTest() {
        waited.verifiedPieces(verified);
    }

    @Test
    void theFilesFirstPieceIsSoughtBeforeAnyReaderUntilItIsVerified() {
        assertArrayEquals(new int[0], waited.pieces(), "no reader, no plan: nothing waited on");

        waited.soughtFromTheStart(3);
        assertArrayEquals(new int[]{3}, waited.pieces());
        assertTrue(waited.sought(3), "fetched as a seek's piece is");

        try (ReaderRegistry.Cursor player = readers.open(7, 9, 9)) {
            assertArrayEquals(new int[]{3, 7, 8}, waited.pieces(), "beside a reader that sought elsewhere");
            verified.markVerified(3);
            assertArrayEquals(new int[]{7, 8}, waited.pieces(), "verified: no longer waited on");
            assertFalse(waited.sought(3));
        }
    }

    @Test
    void aHurriedReadersPieceAndTheNextAreWantedAsIfSoughtButAreNoSeek() {
        ReaderRegistry.Cursor player = readers.open(2, 9, 9);
        assertArrayEquals(new int[]{2, 3}, waited.pieces(), "opened at 2");
        assertTrue(waited.seeking());
        assertFalse(waited.hurried(2) || waited.hurried(3), "opened: a seek's pieces");
        verified.markVerified(2);
        player.moveTo(3); // read on
        assertArrayEquals(new int[0], waited.pieces(), "reading on is left to bt");

        player.waiting(true);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ReaderRegistry.HURRY_AFTER_MILLIS));
        player.stillWaiting();
        assertArrayEquals(new int[]{3, 4}, waited.pieces(), "kept waiting: its piece and the next are fetched at once");
        assertTrue(waited.sought(3) && waited.sought(4));
        assertTrue(waited.hurried(3) && waited.hurried(4), "a hurried reader's, which it reads next");
        assertFalse(waited.seeking(), "not a seek: a download limit still holds");

        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
        verified.markVerified(3);
        player.waiting(false);
        player.moveTo(4);
        assertArrayEquals(new int[]{4, 5}, waited.pieces(), "still hurried: the window moves with it");
        assertTrue(waited.hurried(4));
        try (ReaderRegistry.Cursor other = readers.open(4, 9, 9)) {
            assertFalse(waited.hurried(4), "another reader jumped to it: a seek's piece");
        }
    }

    @Test
    void aFirstPieceVerifiedAlreadyIsNotSought() {
        verified.markVerified(0);
        waited.soughtFromTheStart(0);
        assertArrayEquals(new int[0], waited.pieces());
    }
}
