package flux.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecentRateTest {
    private static final long MS = 1_000_000L;

    @Test
    void aPeerSendingInHalfSecondPulsesIsTakenAtItsMeanRate() {
        RecentRate rate = new RecentRate(0, 0);
        assertEquals(-1, rate.bytesPerSecond(), "no rate from one sample");
        long total = 0;
        for (long t = 10; t <= 3000; t += 10) {
            if (t % 500 == 0) {
                total += 300_000; // 600 kB/s, in two pulses a second
            }
            rate.sample(t * MS, total);
            if (t == 100) {
                assertEquals(-1, rate.bytesPerSecond(), "nor from a tenth of a second");
            }
        }
        // the window reaches just beyond a second back: two or three pulses in it
        double bps = rate.bytesPerSecond();
        assertEquals(600_000, bps, 200_000, "took " + bps);
    }

    @Test
    void whatWasSentMoreThanASecondAgoIsForgotten() {
        RecentRate rate = new RecentRate(0, 0);
        rate.sample(200 * MS, 5_000_000);
        for (long t = 210; t <= 2500; t += 10) {
            rate.sample(t * MS, 5_000_000);
        }
        assertEquals(0, rate.bytesPerSecond());
    }
}
