package flux.stream;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * The pieces whose hash has been checked. Readers wait here; nothing is served from a piece
 * that is not in this set.
 */
public final class VerifiedPieces {
    private final int pieceCount;
    private final BitSet bits;
    private final List<IntConsumer> listeners = new CopyOnWriteArrayList<>();

    public VerifiedPieces(int pieceCount) {
        this.pieceCount = pieceCount;
        this.bits = new BitSet(pieceCount);
    }

    public int pieceCount() {
        return pieceCount;
    }

    public void markVerified(int piece) {
        synchronized (this) {
            if (bits.get(piece)) {
                return;
            }
            bits.set(piece);
            notifyAll();
        }
        listeners.forEach(l -> l.accept(piece));
    }

    public synchronized boolean isVerified(int piece) {
        return bits.get(piece);
    }

    public synchronized int count() {
        return bits.cardinality();
    }

    /** Number of verified pieces in [from, to]. */
    public synchronized int countIn(int from, int to) {
        return bits.get(from, to + 1).cardinality();
    }

    public synchronized BitSet snapshot() {
        return (BitSet) bits.clone();
    }

    /** Waits up to {@code millis} for the piece; true when it is verified. */
    public synchronized boolean await(int piece, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!bits.get(piece)) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Called (on bt's thread) after each newly verified piece. */
    public void onVerified(IntConsumer listener) {
        listeners.add(listener);
    }
}
