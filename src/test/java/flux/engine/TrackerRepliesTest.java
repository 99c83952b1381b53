package flux.engine;

import bt.metainfo.TorrentId;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrackerRepliesTest {
    private static final TorrentId ONE = TorrentId.fromBytes(new byte[20]);
    private static final TorrentId TWO = TorrentId.fromBytes(new byte[]{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

    @Test
    void countsEachTrackerOnceAndKeepsAnAnswerThroughALaterFailure() {
        TrackerReplies replies = new TrackerReplies();
        assertEquals(TrackerReplies.Tally.NONE, replies.tally(ONE));
        IOException unreachable = new IOException("connection refused");
        replies.failed(ONE, "udp://a/announce", unreachable);
        replies.answered(ONE, "http://b/announce");
        replies.failed(ONE, "http://b/announce", unreachable); // a later announce failed: the tracker did answer
        replies.failed(ONE, "udp://a/announce", unreachable);
        assertEquals(new TrackerReplies.Tally(2, 1), replies.tally(ONE));
        replies.answered(ONE, "udp://a/announce"); // it answers after all
        assertEquals(new TrackerReplies.Tally(2, 2), replies.tally(ONE));
        assertEquals(TrackerReplies.Tally.NONE, replies.tally(TWO), "per torrent");
        replies.failed(TWO, "http://c/announce", new Announce.Refused("unregistered torrent"));
        assertEquals(new TrackerReplies.Tally(1, 1), replies.tally(TWO), "a tracker's own refusal is an answer");
    }
}
