package flux.engine;

import flux.stream.PieceLayout;
import flux.stream.PiecePriorities;
import flux.stream.ReaderRegistry;
import flux.stream.VerifiedPieces;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What bt may ask its peers for, beside the pieces web seeds and urgent fetches keep for themselves. */
class PlaybackSelectorTest {
    private static final long PIECE = 1 << 20;
    private static final int PIECES = 10;

    private final PlaybackSelector selector = new PlaybackSelector(new ReaderRegistry());
    private final VerifiedPieces verified = new VerifiedPieces(PIECES);

    PlaybackSelectorTest() {
        selector.plan(new PiecePriorities(new PieceLayout(PIECE, PIECES * PIECE, 0, PIECES * PIECE), 32 * PIECE, 2 * PIECE,
                PIECE), verified);
    }

    /** What bt would take from a peer that has every piece. */
    private Set<Integer> offered() {
        BitSet all = new BitSet();
        all.set(0, PIECES);
        return selector.getNextPieces(all, null).boxed().collect(Collectors.toSet());
    }

    @Test
    void aWebSeedsPiecesAreKeptFromPeersUnlessAReaderWaitsOnThem() {
        selector.fromWebSeeds().addAll(Set.of(0, 1));
        assertEquals(Set.of(2, 3, 4, 5, 6, 7, 8, 9), offered());
        selector.alsoFromPeers().add(1);
        assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9), offered(), "piece 1 is waited on: a peer may be faster");
        verified.markVerified(1);
        selector.pieceVerified(1);
        assertEquals(Set.of(0), selector.fromWebSeeds());
        assertEquals(Set.of(), selector.alsoFromPeers());
    }

    @Test
    void onceOnlyTheWebSeedsPiecesAreLeftPeersMayHaveThemToo() {
        selector.fromWebSeeds().addAll(Set.of(4, 9));
        selector.fetchedUrgently().add(5);
        for (int piece = 0; piece < PIECES; piece++) {
            if (piece != 4 && piece != 5 && piece != 9) {
                verified.markVerified(piece);
            }
        }
        // with nothing to ask for, bt would tell the peer "not interested", and a seeder chokes
        assertEquals(Set.of(4, 9), offered(), "the end game; the urgent fetch keeps its piece");
    }

    @Test
    void urgentPiecesAloneLeftAreStillKeptFromBt() {
        selector.fetchedUrgently().add(3);
        for (int piece = 0; piece < PIECES; piece++) {
            if (piece != 3) {
                verified.markVerified(piece);
            }
        }
        assertEquals(Set.of(), offered());
    }
}
