package flux.engine;

import bt.metainfo.TorrentId;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrackerRepliesTest {
    private static final TorrentId ONE = TorrentId.fromBytes(new byte[20]);
    private static final TorrentId TWO = TorrentId.fromBytes(new byte[]{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

    @Test
    void countsEachTrackerOnceAndKeepsAnAnswerThroughALaterFailure() {
        TrackerReplies replies = new TrackerReplies();
        assertEquals(TrackerReplies.Tally.NONE, replies.tally(ONE));
        replies.failed(ONE, "udp://a/announce");
        replies.answered(ONE, "http://b/announce");
        replies.failed(ONE, "http://b/announce"); // a later announce failed: the tracker did answer
        replies.failed(ONE, "udp://a/announce");
        assertEquals(new TrackerReplies.Tally(2, 1), replies.tally(ONE));
        replies.answered(ONE, "udp://a/announce"); // it answers after all
        assertEquals(new TrackerReplies.Tally(2, 2), replies.tally(ONE));
        assertEquals(TrackerReplies.Tally.NONE, replies.tally(TWO), "per torrent");
    }
}
