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

    /** The tracker could not be reached, or sent no answer in time; an earlier answer still counts. */
    void failed(TorrentId torrent, String tracker) {
        replies.computeIfAbsent(torrent, t -> new ConcurrentHashMap<>()).putIfAbsent(tracker, false);
    }

    /** An announce that did not bring peers: {@link #answered} when the tracker itself said why, else {@link #failed}. */
    void heard(TorrentId torrent, String tracker, boolean trackerAnswered) {
        if (trackerAnswered) {
            answered(torrent, tracker);
        } else {
            failed(torrent, tracker);
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
