package flux.engine;

import bt.torrent.messaging.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Optional;

/**
 * Whether bt has pieces assigned to a peer. While it has none (before the first assignment, once
 * the assigned pieces are done, for 5 s after an assignment timed out) bt's request producer
 * cancels and forgets every request pending at that peer on each turn of its message loop, so a
 * request made then is cancelled again a moment later. bt 1.10 keeps the assignment
 * package-private; read reflectively, and taken as present if that ever fails.
 */
final class BtAssignments {
    private static final Logger log = LoggerFactory.getLogger(BtAssignments.class);
    private static final Method ASSIGNMENT = method(ConnectionState.class, "getCurrentAssignment");
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

    private static Method method(Class<?> type, String name) {
        try {
            Method m = type.getDeclaredMethod(name);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("bt's {}.{} is not there: blocks bt cancels are asked for again at once", type.getSimpleName(), name, e);
            return null;
        }
    }
}
