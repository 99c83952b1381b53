package flux.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DownloadLimitTest {
    private static final long MS = 1_000_000L;
    private static final long MIB = 1 << 20;

    @Test
    void readsWaitWhileTheBytesInExceedTheRateAndAQuietSpellEarnsOnlyTheBurst() {
        long t = 1_000_000 * MS;
        DownloadLimit limit = new DownloadLimit(MIB, t, () -> false); // 1 MiB/s

        assertEquals(-250 * MS, limit.readPauseNanos(t), "nothing in yet: a quarter second of credit");
        limit.charge(MIB / 8, t);
        assertEquals(-125 * MS, limit.readPauseNanos(t), "an eighth of a second's worth, within the burst");
        limit.charge(MIB, t);
        assertEquals(875 * MS, limit.readPauseNanos(t), "a second's worth more: reads wait until it is paid");
        assertEquals(0, limit.readPauseNanos(t + 875 * MS));

        long later = t + 60_000 * MS; // a minute without a block
        limit.charge(MIB / 2, later);
        assertEquals(250 * MS, limit.readPauseNanos(later), "the minute earned a quarter second, not a minute");
    }

    @Test
    void aSeekWaitsForNothing() {
        long t = 1_000_000 * MS;
        boolean[] seeking = {true};
        DownloadLimit limit = new DownloadLimit(MIB, t, () -> seeking[0]);
        limit.charge(2 * MIB, t);
        assertEquals(0, limit.readPauseNanos(t), "in debt, but a reader waits on a piece it sought");
        seeking[0] = false;
        assertEquals(1750 * MS, limit.readPauseNanos(t));
    }
}
