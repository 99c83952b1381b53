package flux.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The open readers (HTTP responses, the stdout pipe) and where each one is. The priority model
 * reads their positions; a reader that moves (a seek, or blocking on a missing piece) tells
 * the listeners at once. Where the last readers stopped is remembered for a while: a player that
 * reads in closed ranges (one request after another) or seeks back and forth comes back there.
 */
public final class ReaderRegistry {
    /** A {@link System#nanoTime} no reader ever began to wait at. */
    private static final long NOT_WAITING = Long.MIN_VALUE;
    /** How many closed readers' places are remembered, and for how long. */
    static final int RECENT_MOST = 8;
    static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /**
     * A reader that waited this long for a piece is hurried (at once for a piece it read on to,
     * from its next piece on for one it opened or sought): bt fetches each piece from one peer,
     * so on a swarm of slow peers the pieces ahead of a reader come one peer's rate at a time
     * (four libtorrent seeders at 0.5 MB/s: a 1 MiB piece every 2 s, though the swarm sends 2
     * MB/s). On the loopback swarm a reader reading on waits a few milliseconds.
     */
    public static final long HURRY_AFTER_MILLIS = 100;
    private static final long HURRY_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(HURRY_AFTER_MILLIS);
    /** A hurried reader stays hurried while each piece still keeps it waiting this long. */
    static final long STAY_HURRIED_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private final Set<Cursor> cursors = ConcurrentHashMap.newKeySet();
    private final List<Runnable> moveListeners = new CopyOnWriteArrayList<>();
    /** Closed readers' places, most recent first; guarded by itself. */
    private final Deque<Closed> closed = new ArrayDeque<>();
    private final LongSupplier clock;

    public ReaderRegistry() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} */
    public ReaderRegistry(LongSupplier clock) {
        this.clock = clock;
    }

    private record Closed(ReaderPosition where, long atNanos) {
    }

    /** A reader of pieces {@code firstPiece..lastPiece} of a file whose last piece is {@code fileLastPiece}. */
    public Cursor open(int firstPiece, int lastPiece, int fileLastPiece) {
        Cursor c = new Cursor(firstPiece, lastPiece, fileLastPiece);
        cursors.add(c);
        fireMoved();
        return c;
    }

    /** Positions, most recently active reader first. */
    public List<ReaderPosition> positions() {
        return cursors.stream()
                .sorted(Comparator.comparingLong((Cursor c) -> c.lastActive).reversed())
                .map(c -> new ReaderPosition(c.piece, c.lastPiece, c.sought, c.hurried))
                .toList();
    }

    public int size() {
        return cursors.size();
    }

    /**
     * Where readers closed in the last {@link #RECENT_NANOS}, most recent first, each reaching to
     * the end of its file (a player that read a range there may read on from it).
     */
    public List<ReaderPosition> recentlyClosed() {
        long now = clock.getAsLong();
        synchronized (closed) {
            closed.removeIf(c -> now - c.atNanos > RECENT_NANOS);
            return closed.stream().map(Closed::where).toList();
        }
    }

    private void remember(ReaderPosition where) {
        synchronized (closed) {
            closed.removeIf(c -> c.where.piece() == where.piece());
            closed.addFirst(new Closed(where, clock.getAsLong()));
            while (closed.size() > RECENT_MOST) {
                closed.removeLast();
            }
        }
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
        private final int fileLastPiece;
        private volatile int piece;
        private volatile boolean sought = true;
        private volatile long lastActive;
        /** When the reader began to wait for its piece ({@link System#nanoTime}), else {@link #NOT_WAITING}. */
        private volatile long waitingSince = NOT_WAITING;
        /** True while its pieces keep it waiting ({@link #stillWaiting}, {@link #waiting}). */
        private volatile boolean hurried;

        private Cursor(int piece, int lastPiece, int fileLastPiece) {
            this.piece = piece;
            this.lastPiece = lastPiece;
            this.fileLastPiece = fileLastPiece;
            this.lastActive = clock.getAsLong();
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
            lastActive = clock.getAsLong();
            if (jumped) {
                fireMoved();
            }
        }

        /**
         * The reader blocks on its piece (true) or has it (false). A reader that waited
         * {@link #HURRY_AFTER_MILLIS} or more for it, sought or not, is hurried from its next
         * piece on: the swarm is slow, and the piece after an opened or sought one would otherwise
         * keep it waiting that long again first. A hurried reader whose wait was short is no
         * longer hurried: its pieces come fast enough as bt fetches them.
         */
        public void waiting(boolean blocked) {
            long now = clock.getAsLong();
            long since = waitingSince;
            if (!blocked && since != NOT_WAITING) {
                long waited = now - since;
                if (waited >= HURRY_AFTER_NANOS) {
                    hurried = true;
                } else if (waited < STAY_HURRIED_NANOS) {
                    hurried = false;
                }
            }
            waitingSince = blocked ? now : NOT_WAITING;
        }

        /**
         * Called while the reader still waits for its piece, from {@link #HURRY_AFTER_MILLIS} on:
         * a reader that read on to it is hurried from now on, which the listeners hear of at once
         * (a sought piece is fetched at once anyway).
         */
        public void stillWaiting() {
            long since = waitingSince;
            if (hurried || sought || since == NOT_WAITING
                    || clock.getAsLong() - since < HURRY_AFTER_NANOS) {
                return;
            }
            hurried = true;
            fireMoved();
        }

        @Override
        public void close() {
            if (cursors.remove(this)) {
                remember(new ReaderPosition(piece, fileLastPiece, false));
                fireMoved();
            }
        }
    }
}
