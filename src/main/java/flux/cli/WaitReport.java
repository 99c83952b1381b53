package flux.cli;

import flux.engine.PieceHolders;
import flux.stream.ReaderRegistry;
import flux.ui.Events;
import flux.ui.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Says why the player waits when a piece it needs is slow to come. A stream of a rare torrent
 * otherwise sits in "buffering" with no hint of what it waits for: after 5 s of waiting, and every
 * 15 s while it still waits, one line on stderr (and a JSON {@code waiting} event) names the piece
 * and whether any connected peer has it and lets flux download it.
 */
final class WaitReport {
    private static final Logger log = LoggerFactory.getLogger("flux.waiting");
    private static final long FIRST_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long AGAIN_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final int pieceCount;
    private final IntFunction<PieceHolders> holders;
    private final Events events;
    /** Piece -> when it was last reported ({@link System#nanoTime}). */
    private final Map<Integer, Long> reported = new HashMap<>();

    /** @param holders who could send a piece now ({@code TorrentSession::holders}) */
    WaitReport(int pieceCount, IntFunction<PieceHolders> holders, Events events) {
        this.pieceCount = pieceCount;
        this.holders = holders;
        this.events = events;
    }

    /** Reports the waits that are due; called on the status timer. */
    void check(List<ReaderRegistry.Wait> waits, long now) {
        Set<Integer> waitedOn = new HashSet<>();
        for (ReaderRegistry.Wait w : waits) { // longest first: one report per piece, however many readers wait on it
            long waited = now - w.sinceNanos();
            if (!waitedOn.add(w.piece()) || waited < FIRST_NANOS) {
                continue;
            }
            Long last = reported.get(w.piece());
            if (last != null && now - last < AGAIN_NANOS) {
                continue;
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(waited);
            PieceHolders h = holders.apply(w.piece());
            log.info(line(w.piece(), pieceCount, seconds, h));
            events.emit("waiting", Json.object().put("piece", w.piece()).put("pieces", pieceCount).put("seconds", seconds)
                    .put("peers", h.peers()).put("have", h.have()).put("unchoking", h.unchoking()));
            reported.put(w.piece(), now);
        }
        reported.keySet().retainAll(waitedOn);
    }

    /** "waiting 5 s for piece 812 of 1200: ..." with what the connected peers can do about it. */
    static String line(int piece, int pieceCount, long seconds, PieceHolders h) {
        return "waiting " + seconds + " s for piece " + piece + " of " + pieceCount + ": " + why(h);
    }

    private static String why(PieceHolders h) {
        if (h.peers() == 0) {
            return "no peer is connected";
        }
        if (h.have() == 0) {
            return (h.peers() == 1 ? "the one connected peer does not have it"
                    : "none of the " + h.peers() + " connected peers has it") + "; it comes when a peer that has it connects";
        }
        if (h.peers() == 1) {
            return h.unchoking() == 0 ? "the one connected peer has it but does not let flux download yet (choked)"
                    : "the one connected peer has it and lets flux download: it comes at that peer's pace";
        }
        String have = h.have() + " of " + h.peers() + " connected peers " + (h.have() == 1 ? "has" : "have") + " it";
        return h.unchoking() == 0 ? have + ", and none lets flux download yet (choked)"
                : have + ", " + h.unchoking() + " letting flux download: it comes at their pace";
    }
}
