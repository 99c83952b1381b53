package flux.stream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The open readers (HTTP responses, the stdout pipe) and where each one is. The priority model
 * reads their positions; a reader that moves (a seek, or blocking on a missing piece) tells
 * the listeners at once.
 */
public final class ReaderRegistry {
    /** A {@link System#nanoTime} no reader ever began to wait at. */
    private static final long NOT_WAITING = Long.MIN_VALUE;
    private final Set<Cursor> cursors = ConcurrentHashMap.newKeySet();
    private final List<Runnable> moveListeners = new CopyOnWriteArrayList<>();

    public Cursor open(int firstPiece, int lastPiece) {
        Cursor c = new Cursor(firstPiece, lastPiece);
        cursors.add(c);
        fireMoved();
        return c;
    }

    /** Positions, most recently active reader first. */
    public List<ReaderPosition> positions() {
        return cursors.stream()
                .sorted(Comparator.comparingLong((Cursor c) -> c.lastActive).reversed())
                .map(c -> new ReaderPosition(c.piece, c.lastPiece, c.sought))
                .toList();
    }

    public int size() {
        return cursors.size();
    }

    /** A reader blocked on a piece that is not verified yet, since {@code sinceNanos} ({@link System#nanoTime}). */
    public record Wait(int piece, long sinceNanos) {
    }

    /** The readers blocked on a missing piece now, longest waiting first. */
    public List<Wait> waits() {
        List<Wait> found = new ArrayList<>();
        for (Cursor c : cursors) {
            long since = c.waitingSince;
            if (since != NOT_WAITING) {
                found.add(new Wait(c.piece, since));
            }
        }
        found.sort(Comparator.comparingLong(Wait::sinceNanos));
        return found;
    }

    public void onMove(Runnable listener) {
        moveListeners.add(listener);
    }

    private void fireMoved() {
        moveListeners.forEach(Runnable::run);
    }

    /** One reader's position. */
    public final class Cursor implements AutoCloseable {
        private final int lastPiece;
        private volatile int piece;
        private volatile boolean sought = true;
        private volatile long lastActive;
        /** When the reader began to wait for its piece ({@link System#nanoTime}), else {@link #NOT_WAITING}. */
        private volatile long waitingSince = NOT_WAITING;

        private Cursor(int piece, int lastPiece) {
            this.piece = piece;
            this.lastPiece = lastPiece;
            this.lastActive = System.nanoTime();
        }

        public int piece() {
            return piece;
        }

        public void moveTo(int newPiece) {
            boolean jumped = newPiece != piece;
            if (jumped) {
                sought = newPiece != piece + 1;
            }
            piece = newPiece;
            lastActive = System.nanoTime();
            if (jumped) {
                fireMoved();
            }
        }

        /** The reader blocks on its piece (true) or has it (false). */
        public void waiting(boolean blocked) {
            waitingSince = blocked ? System.nanoTime() : NOT_WAITING;
        }

        @Override
        public void close() {
            if (cursors.remove(this)) {
                fireMoved();
            }
        }
    }
}
