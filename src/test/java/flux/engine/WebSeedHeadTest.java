package flux.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WebSeedHeadTest {
    private static final long PIECE = 256 * 1024;

    /** A torrent of these files, one after the other in the pieces. */
    private static TorrentMeta torrentOf(long... sizes) {
        return withPieces(PIECE, sizes);
    }

    private static TorrentMeta withPieces(long piece, long... sizes) {
        List<TorrentMeta.FileEntry> files = new java.util.ArrayList<>();
        long offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            files.add(new TorrentMeta.FileEntry(i, "f" + i, sizes[i], offset));
            offset += sizes[i];
        }
        return new TorrentMeta("t", "ab".repeat(20), piece, offset, (int) ((offset + piece - 1) / piece), files, sizes.length == 1,
                List.of(), false);
    }

    @Test
    void theHeadIsTheFirstTwoMibOfTheChosenFileInWholePieces() {
        TorrentMeta one = torrentOf(100L << 20);
        assertEquals(new WebSeedHead.Pieces(0, 8), WebSeedHead.piecesOf(one, one.files().get(0)));
        // the second file starts in the middle of piece 3: that piece and those of its next 2 MiB
        TorrentMeta two = torrentOf(3 * PIECE + 1000, 50L << 20);
        assertEquals(new WebSeedHead.Pieces(3, 9), WebSeedHead.piecesOf(two, two.files().get(1)));
        assertArrayEquals(new int[]{3, 4, 5, 6, 7, 8, 9, 10, 11}, WebSeedHead.piecesOf(two, two.files().get(1)).indexes());
    }

    @Test
    void aPieceOfUpTo8MibIsFetchedWholeAndALargerOneNotAtAll() {
        TorrentMeta eight = withPieces(8L << 20, 100L << 20);
        assertEquals(new WebSeedHead.Pieces(0, 1), WebSeedHead.piecesOf(eight, eight.files().get(0)));
        TorrentMeta sixteen = withPieces(16L << 20, 100L << 20);
        assertEquals(0, WebSeedHead.piecesOf(sixteen, sixteen.files().get(0)).count(), "16 MiB of a 128 MiB heap");
    }

    @Test
    void aSmallFileIsFetchedWholeAndAnEmptyOneNotAtAll() {
        TorrentMeta files = torrentOf(PIECE / 2, PIECE, 0, 5 * PIECE);
        assertEquals(new WebSeedHead.Pieces(0, 2), WebSeedHead.piecesOf(files, files.files().get(1)), "half of piece 0, half of 1");
        assertEquals(0, WebSeedHead.piecesOf(files, files.files().get(2)).count());
        assertEquals(new WebSeedHead.Pieces(1, 6), WebSeedHead.piecesOf(files, files.files().get(3)), "from the middle of piece 1 to that of 6");
    }
}
