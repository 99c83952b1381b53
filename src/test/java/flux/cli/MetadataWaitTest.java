package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.TrackerReplies;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataWaitTest {
    @Test
    void saysWhenNoTrackerAnsweredAndWhatToDo() {
        FluxException one = MetadataWait.noMetadata(90, 0, 0, new TrackerReplies.Tally(1, 0));
        assertEquals(ExitCode.NETWORK, one.exitCode());
        assertEquals("no metadata after 90 s (0 peers found, 0 connected; its tracker did not answer)", one.getMessage());
        assertTrue(one.hint().contains("--tracker"), one.hint());
        assertEquals("no metadata after 90 s (0 peers found, 0 connected; none of its 3 trackers answered)",
                MetadataWait.noMetadata(90, 0, 0, new TrackerReplies.Tally(3, 0)).getMessage());
    }

    @Test
    void countsTheTrackersThatAnsweredOtherwise() {
        FluxException some = MetadataWait.noMetadata(30, 0, 0, new TrackerReplies.Tally(3, 2));
        assertEquals("no metadata after 30 s (0 peers found, 0 connected; 2 of 3 trackers answered)", some.getMessage());
        assertTrue(some.hint().contains("--timeout"), some.hint());
        assertEquals("no metadata after 30 s (4 peers found, 1 connected; 1 of 1 tracker answered)",
                MetadataWait.noMetadata(30, 4, 1, new TrackerReplies.Tally(1, 1)).getMessage());
        // peers came from elsewhere (the DHT, --peer): the dead trackers are not what to fix
        assertEquals("no metadata after 30 s (2 peers found, 0 connected; 0 of 2 trackers answered)",
                MetadataWait.noMetadata(30, 2, 0, new TrackerReplies.Tally(2, 0)).getMessage());
        assertEquals("no metadata after 30 s (0 peers found, 0 connected)",
                MetadataWait.noMetadata(30, 0, 0, TrackerReplies.Tally.NONE).getMessage());
    }

    @Test
    void theNoteWhileWaitingSaysTheSame() {
        assertEquals("0 peers found, 0 connected; none of its 2 trackers answered",
                MetadataWait.situation(0, 0, new TrackerReplies.Tally(2, 0)));
        assertEquals("5 peers found, 2 connected; 1 of 2 trackers answered",
                MetadataWait.situation(5, 2, new TrackerReplies.Tally(2, 1)));
    }
}
