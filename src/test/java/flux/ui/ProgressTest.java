package flux.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    private static final long MIB = 1 << 20;

    private static String line(long size, long have, double rate) {
        return new Progress("streaming", 3, size, have, 0, rate, 0, have, 0, 0, 0).line();
    }

    @Test
    void etaInMinutesAndSecondsOrHoursAndMinutes() {
        assertTrue(line(100 * MIB, 10 * MIB, MIB).endsWith("  eta 1m30s"), line(100 * MIB, 10 * MIB, MIB));
        long tenHoursAt100KiB = 36_000L * 100 * 1024;
        assertTrue(line(tenHoursAt100KiB, 0, 100 * 1024).endsWith("  eta 10h00m"), line(tenHoursAt100KiB, 0, 100 * 1024));
    }

    @Test
    void noEtaWhenTheSwarmIsAllButStalledOrTheFileIsComplete() {
        // a status line of a stalled stream once read "eta 153722867280912930m07s"
        assertFalse(line(3 * MIB, 2 * MIB, 9).contains("eta"), line(3 * MIB, 2 * MIB, 9));
        assertFalse(line(4000 * MIB, 0, 2048).contains("eta"), "over 100 hours is no estimate");
        assertFalse(line(3 * MIB, 3 * MIB, MIB).contains("eta"));
    }

    @Test
    void aKnownPlayingTimeGivesTheRateAgainstTheVideoTheSecondsAheadAndThePause() {
        Progress p = new Progress("streaming", 4, 100 * MIB, 30 * MIB, 10 * MIB, MIB, 0, 30 * MIB, 0, 2 * MIB, 40);
        String line = p.line();
        assertTrue(line.contains("down 1.0 MiB/s (0.5x video)"), line);
        assertTrue(line.contains("ahead 10.0 MiB (0m05s)"), line);
        assertTrue(line.endsWith("  pause 0m40s to play through"), line);
        String json = p.json().toString();
        assertTrue(json.contains("\"videoRate\":2097152,\"aheadSeconds\":5,\"playThroughWait\":40"), json);
    }

    @Test
    void anUnknownPlayingTimeSaysNothingOfTheVideo() {
        Progress p = new Progress("streaming", 4, 100 * MIB, 30 * MIB, 10 * MIB, MIB, 0, 30 * MIB, 0, 0, 0);
        assertFalse(p.line().contains("video") || p.line().contains("pause"), p.line());
        assertTrue(p.line().contains("ahead 10.0 MiB  "), p.line());
        assertFalse(p.json().toString().contains("videoRate"), p.json().toString());
    }

    @Test
    void thePauseLetsTheMissingBytesComeBeforePlaybackReachesTheEnd() {
        // 90 of the 100 MiB left are missing: 90 s at 1 MiB/s, against 50 s of playing at 2 MiB/s
        assertEquals(40, Progress.playThroughWait(100 * MIB, 90 * MIB, MIB, 2 * MIB));
        assertEquals(0, Progress.playThroughWait(100 * MIB, 90 * MIB, 2 * MIB, 2 * MIB), "the download keeps up");
        assertEquals(0, Progress.playThroughWait(100 * MIB, 0, 1, 2 * MIB), "nothing missing");
        assertEquals(0, Progress.playThroughWait(100 * MIB, 90 * MIB, 0, 2 * MIB), "a stall is no estimate");
        assertEquals(0, Progress.playThroughWait(100 * MIB, 90 * MIB, MIB, 0), "no playing time known");
    }
}
