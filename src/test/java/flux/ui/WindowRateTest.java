package flux.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
