package flux.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    private static final long MIB = 1 << 20;

    private static String line(long size, long have, double rate) {
        return new Progress("streaming", 3, size, have, 0, rate, 0, have, 0).line();
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
}
