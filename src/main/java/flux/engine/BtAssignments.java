package flux.engine;

import bt.protocol.Request;
import bt.torrent.messaging.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * bt's request state of one peer, which bt 1.10 keeps package-private, read and changed
 * reflectively (if that ever fails, an assignment is taken as present, and a piece is left to
 * bt's assignment timeout).
 * <ul>
 * <li>Whether bt has pieces assigned to the peer. While it has none (before the first assignment,
 * once the assigned pieces are done, for 5 s after an assignment timed out) bt's request producer
 * cancels and forgets every request pending at that peer on each turn of its message loop, so a
 * request made then is cancelled again a moment later.
 * <li>The requests bt lined up for a piece: bt builds a peer's requests for an assigned piece
 * once, leaving out the blocks pending then, and sends them as its depth allows.
 * <li>Whether a block that came from the peer is still being written (public in bt).
 * </ul>
 */
final class BtAssignments {
    private static final Logger log = LoggerFactory.getLogger(BtAssignments.class);
    private static final Method ASSIGNMENT = method(ConnectionState.class, "getCurrentAssignment");
    private static final Method ENQUEUED = method(ConnectionState.class, "getEnqueuedPieces");
    private static final Method QUEUED = method(ConnectionState.class, "getRequestQueue");
    private static volatile Method pieces;

    private BtAssignments() {
    }

    static boolean hasPieces(ConnectionState peer) {
        if (ASSIGNMENT == null) {
            return true;
        }
        try {
            Optional<?> assignment = (Optional<?>) ASSIGNMENT.invoke(peer);
            if (assignment.isEmpty()) {
                return false;
            }
            Method m = pieces;
            if (m == null) {
                m = pieces = method(assignment.get().getClass(), "getPieces");
            }
            return m == null || !((Collection<?>) m.invoke(assignment.get())).isEmpty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    /**
     * True while a block that came from the peer is being written: bt takes a block out of the
     * pending requests as it arrives and counts it present only once the write is done, so in
     * between it is neither asked for nor there.
     */
    static boolean beingWritten(ConnectionState peer, Object key) {
        CompletableFuture<?> write = peer.getPendingWrites().get(key);
        return write != null && !write.isDone();
    }

    /**
     * Has bt build its requests for the piece anew on its next turn with the peer, if the piece is
     * assigned to it: those for blocks neither present nor pending. The requests it had lined up
     * for the piece and not sent yet are dropped, not to be sent twice. Runs on bt's message loop.
     */
    static void askAgainFor(ConnectionState peer, int piece) {
        if (ENQUEUED == null || QUEUED == null) {
            return;
        }
        try {
            if (((Set<?>) ENQUEUED.invoke(peer)).remove(piece)) {
                dropQueued(peer, piece);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("could not have bt ask for piece {} again", piece, e);
        }
    }

    /**
     * Drops the requests for the piece that bt lined up for the peer and has not sent yet: the
     * piece is fetched here, and bt would ask for its blocks a second time. bt still counts the
     * piece as asked for ({@link #askAgainFor} undoes that). Runs on bt's message loop.
     */
    static void dropQueued(ConnectionState peer, int piece) {
        if (QUEUED == null) {
            return;
        }
        try {
            ((Queue<?>) QUEUED.invoke(peer)).removeIf(r -> r instanceof Request request && request.getPieceIndex() == piece);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("could not drop bt's requests for piece {}", piece, e);
        }
    }

    private static Method method(Class<?> type, String name) {
        try {
            Method m = type.getDeclaredMethod(name);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("bt's {}.{} is not there: taken as assigned, left to bt's timeout", type.getSimpleName(), name, e);
            return null;
        }
    }
}
