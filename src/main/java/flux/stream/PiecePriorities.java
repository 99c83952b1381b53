package flux.stream;

import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The playback-aware download order: a pure function of the file layout, what is verified and
 * where the readers are. No network, no threads: the engine asks for {@link #order} whenever
 * a peer has room for more pieces, so a seek changes the order on the very next request.
 *
 * <ol>
 *   <li>urgent: the piece under each reader and the one after it (a reader may be blocked on it);</li>
 *   <li>head and tail of the file: players read the header, then often jump to the end for
 *       the MP4 moov atom or AVI index ({@link #withTail} once the head tells where it is);</li>
 *   <li>each reader's read-ahead window, nearest first, the most recently active reader first
 *       (two players reading take turns being the most recent; a reader whose client went away
 *       while it waited for a piece is never active again and falls behind);</li>
 *   <li>the windows after the places where readers recently closed, a piece of each in turn: a
 *       player reading in closed ranges, or seeking back and forth, comes back there;</li>
 *   <li>the rest of the file in order from the main reader (else the place read last), then what
 *       lies behind it;</li>
 *   <li>the head and tail of the next video, if {@link #thenStartOf} named one: a player going
 *       through the playlist starts the next episode without waiting.</li>
 * </ol>
 */
public final class PiecePriorities {
    /** How many pieces ahead of a reader count as urgent. */
    static final int URGENT_PIECES = 2;

    private final PieceLayout layout;
    private final int windowPieces;
    private final int headPieces;
    /** The pieces at the end a player reads at open, in the order to fetch them. */
    private final int[] tail;
    /** Pieces wanted once all of this file is: the start of the next video. */
    private final int[] afterwards;

    /** A tail of the last {@code tailBytes} of the file, fetched from the very end backwards. */
    public PiecePriorities(PieceLayout layout, long windowBytes, long headBytes, long tailBytes) {
        this(layout, layout.piecesFor(windowBytes), layout.piecesFor(headBytes), lastPieces(layout, layout.piecesFor(tailBytes)), new int[0]);
    }

    private PiecePriorities(PieceLayout layout, int windowPieces, int headPieces, int[] tail, int[] afterwards) {
        this.layout = layout;
        this.windowPieces = windowPieces;
        this.headPieces = headPieces;
        this.tail = tail;
        this.afterwards = afterwards;
    }

    private static int[] lastPieces(PieceLayout layout, int count) {
        int last = layout.lastPiece();
        return IntStream.range(0, count).map(i -> last - i).filter(p -> p >= layout.firstPiece()).toArray();
    }

    /**
     * The same order with the tail exactly the file's bytes {@code from..to-1} (where its
     * container's index lies: {@link ContainerIndex}), fetched from their start, as a player reads
     * them; none when {@code from >= to}.
     */
    public PiecePriorities withTail(long from, long to) {
        int[] exact = from >= to ? new int[0] : IntStream.rangeClosed(layout.pieceAt(from), layout.pieceAt(to - 1)).toArray();
        return new PiecePriorities(layout, windowPieces, headPieces, exact, afterwards);
    }

    /** This order, then the head and tail of {@code next}'s file, once everything of this file is asked for. */
    public PiecePriorities thenStartOf(PiecePriorities next) {
        Emitter start = new Emitter(new BitSet(), next.layout.firstPiece(), next.layout.lastPiece());
        next.headAndTail(start);
        return new PiecePriorities(layout, windowPieces, headPieces, tail, start.result());
    }

    public PieceLayout layout() {
        return layout;
    }

    /**
     * Pieces to download, most urgent first, without verified ones.
     *
     * @param verified     pieces already verified (torrent piece indices)
     * @param readers      where each open reader is, most recently active reader first; readers
     *                     may be on other files of the torrent than the selected one
     * @param recent       where readers recently closed, most recent first
     */
    public int[] order(BitSet verified, List<ReaderPosition> readers, List<ReaderPosition> recent) {
        int first = layout.firstPiece();
        int last = layout.lastPiece();
        Emitter out = new Emitter(verified, first, last);

        interleaveForward(out, readers, URGENT_PIECES);
        headAndTail(out);
        for (ReaderPosition r : readers) {
            for (int step = 0; step < windowPieces && r.piece() + step <= r.lastPiece(); step++) {
                out.addAnyFile(r.piece() + step);
            }
        }

        interleaveForward(out, recent, windowPieces);

        List<ReaderPosition> lead = readers.isEmpty() ? recent : readers;
        int from = lead.isEmpty() ? first : clamp(lead.get(0).piece(), first, last);
        for (int p = from; p <= last; p++) {
            out.add(p);
        }
        for (int p = first; p < from; p++) {
            out.add(p);
        }
        for (int p : afterwards) {
            out.addAnyFile(p);
        }
        return out.result();
    }

    /** The file's first pieces and its tail, alternating. */
    private void headAndTail(Emitter out) {
        int first = layout.firstPiece();
        for (int i = 0; i < Math.max(headPieces, tail.length); i++) {
            if (i < headPieces) {
                out.add(first + i);
            }
            if (i < tail.length) {
                out.add(tail[i]);
            }
        }
    }

    /** Round-robin over readers: piece +0 of each, then +1 of each, ... up to {@code depth}. */
    private static void interleaveForward(Emitter out, List<ReaderPosition> readers, int depth) {
        for (int step = 0; step < depth; step++) {
            for (ReaderPosition r : readers) {
                if (r.piece() + step <= r.lastPiece()) {
                    out.addAnyFile(r.piece() + step);
                }
            }
        }
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** Collects distinct, unverified pieces inside the file's range, in insertion order. */
    private static final class Emitter {
        private final BitSet verified;
        private final BitSet seen = new BitSet();
        private final int first;
        private final int last;
        private int[] pieces = new int[64];
        private int size;

        Emitter(BitSet verified, int first, int last) {
            this.verified = verified;
            this.first = first;
            this.last = last;
        }

        /** A piece of the selected file. */
        void add(int piece) {
            if (piece >= first && piece <= last) {
                addAnyFile(piece);
            }
        }

        /** A piece a reader asked for, possibly of another file. */
        void addAnyFile(int piece) {
            if (piece < 0 || verified.get(piece) || seen.get(piece)) {
                return;
            }
            seen.set(piece);
            if (size == pieces.length) {
                pieces = java.util.Arrays.copyOf(pieces, size * 2);
            }
            pieces[size++] = piece;
        }

        int[] result() {
            return java.util.Arrays.copyOf(pieces, size);
        }
    }
}
