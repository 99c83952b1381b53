package flux.engine;

import bt.metainfo.TorrentId;
import flux.stream.ReaderRegistry;
import flux.stream.VerifiedPieces;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitedOnPiecesTest {
    private final ReaderRegistry readers = new ReaderRegistry();
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
    void aFirstPieceVerifiedAlreadyIsNotSought() {
        verified.markVerified(0);
        waited.soughtFromTheStart(0);
        assertArrayEquals(new int[0], waited.pieces());
    }
}
