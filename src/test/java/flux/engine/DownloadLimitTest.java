package flux.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DownloadLimitTest {
    private static final long MS = 1_000_000L;
    private static final long MIB = 1 << 20;

    @Test
    void readsWaitWhileTheBytesInExceedTheRateAndAQuietSpellEarnsOnlyTheBurst() {
        long t = 1_000_000 * MS;
        DownloadLimit limit = new DownloadLimit(MIB, t); // 1 MiB/s

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
}
