package flux.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowRateTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theRateIsOverTheWindowNotTheLastSample() {
        WindowRate rate = new WindowRate(10 * SECOND);
        assertEquals(0, rate.update(0, 0));
        for (int s = 1; s <= 10; s++) {
            rate.update(s * 1000L, s * SECOND); // 1000 B/s for 10 s
        }
        assertEquals(1000, rate.update(10_000, 10 * SECOND + 1), 1);
        assertEquals(10 * SECOND + 1, rate.spanNanos());
        // a burst of 5000 bytes in the next second moves the window's rate, not to 5000 B/s
        assertEquals(1400, rate.update(15_000, 11 * SECOND), 1);
        assertEquals(10 * SECOND, rate.spanNanos(), "samples older than the window are dropped");
    }

    @Test
    void aStallShowsAsTheWindowEmpties() {
        WindowRate rate = new WindowRate(4 * SECOND);
        rate.update(0, 0);
        rate.update(4000, 4 * SECOND);
        assertEquals(1000, rate.update(4000, 4 * SECOND + 1), 1);
        assertEquals(0, rate.update(4000, 9 * SECOND), 1e-9, "no byte over the whole window");
    }

    @Test
    void aSenderInHalfSecondPulsesIsTakenAtItsMeanRateFromSamplesAStepApart() {
        long ms = 1_000_000L;
        WindowRate rate = new WindowRate(SECOND, SECOND / 8);
        rate.update(0, 0);
        assertEquals(0, rate.rate(), "no rate from one sample");
        long total = 0;
        for (long t = 10; t <= 3000; t += 10) {
            if (t % 500 == 0) {
                total += 300_000; // 600 kB/s, in two pulses a second
            }
            rate.update(total, t * ms);
            if (t == 100) {
                assertEquals(0, rate.spanNanos(), "nor from a tenth of a second: samples are an eighth apart");
            }
        }
        // the window reaches just beyond a second back: two or three pulses in it
        double bps = rate.rate();
        assertEquals(600_000, bps, 200_000, "took " + bps);
        assertTrue(rate.spanNanos() <= SECOND + SECOND / 8 + 10 * ms, "a handful of samples, not one per update");
    }

    @Test
    void whatWasSentMoreThanTheWindowAgoIsForgotten() {
        WindowRate rate = new WindowRate(SECOND, SECOND / 8);
        rate.update(0, 0);
        rate.update(5_000_000, SECOND / 5);
        for (long t = 210; t <= 2500; t += 10) {
            rate.update(5_000_000, t * 1_000_000L);
        }
        assertEquals(0, rate.rate());
    }
}
