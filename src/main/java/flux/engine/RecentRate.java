package flux.engine;

/**
 * How fast one peer has been sending lately: the bytes it sent over the last second or so, from
 * samples of its running total taken at least {@link #STEP_NANOS} apart. A second rather than a
 * moment, since some peers send in pulses (Transmission: twice a second).
 */
final class RecentRate {
    static final long WINDOW_NANOS = 1_000_000_000L;
    private static final long STEP_NANOS = WINDOW_NANOS / 8;
    /** Samples kept: enough to reach a full window back. */
    private static final int SAMPLES = 10;

    private final long[] times = new long[SAMPLES];
    private final long[] totals = new long[SAMPLES];
    /** Index of the newest sample; samples go round. */
    private int newest;
    private int count;

    RecentRate(long now, long total) {
        times[0] = now;
        totals[0] = total;
        count = 1;
    }

    /** Notes the peer's running total; cheap to call far more often than {@link #STEP_NANOS}. */
    void sample(long now, long total) {
        if (now - times[newest] < STEP_NANOS) {
            return;
        }
        newest = (newest + 1) % SAMPLES;
        times[newest] = now;
        totals[newest] = total;
        count = Math.min(SAMPLES, count + 1);
    }

    /**
     * Bytes per second from the oldest sample within the window (or just beyond it) to the newest;
     * -1 until the samples span a quarter of the window.
     */
    double bytesPerSecond() {
        int oldest = newest;
        for (int i = 1; i < count; i++) {
            int at = Math.floorMod(newest - i, SAMPLES);
            oldest = at;
            if (times[newest] - times[at] >= WINDOW_NANOS) {
                break;
            }
        }
        long span = times[newest] - times[oldest];
        if (span < WINDOW_NANOS / 4) {
            return -1;
        }
        return (totals[newest] - totals[oldest]) * 1e9 / span;
    }
}
