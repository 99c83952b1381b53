package flux.engine;

import bt.metainfo.TorrentId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which trackers answered each torrent's announces, the scout's and bt's: when a stream gets no
 * peers, whether its trackers answered says what to fix (a dead tracker, or a torrent nobody
 * seeds).
 */
public final class TrackerReplies {
    /** How many trackers were asked (and gave an answer or failed), and how many answered. */
    public record Tally(int asked, int answered) {
        public static final Tally NONE = new Tally(0, 0);
    }

    private final Map<TorrentId, Map<String, Boolean>> replies = new ConcurrentHashMap<>();

    /** The tracker answered an announce for the torrent (it may have named no peer, or refused it). */
    void answered(TorrentId torrent, String tracker) {
        replies.computeIfAbsent(torrent, t -> new ConcurrentHashMap<>()).put(tracker, true);
    }

    /**
     * An announce to the tracker failed: it could not be reached or sent no answer in time (an
     * earlier answer still counts), unless the tracker refused it itself ({@link Announce.Refused}),
     * which is an answer.
     */
    void failed(TorrentId torrent, String tracker, Throwable cause) {
        if (cause instanceof Announce.Refused) {
            answered(torrent, tracker);
        } else {
            replies.computeIfAbsent(torrent, t -> new ConcurrentHashMap<>()).putIfAbsent(tracker, false);
        }
    }

    public Tally tally(TorrentId torrent) {
        Map<String, Boolean> byTracker = replies.get(torrent);
        if (byTracker == null) {
            return Tally.NONE;
        }
        int answered = (int) byTracker.values().stream().filter(Boolean::booleanValue).count();
        return new Tally(byTracker.size(), answered);
    }
}
