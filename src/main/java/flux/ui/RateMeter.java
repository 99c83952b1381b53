package flux.ui;

/** Bytes per second from a growing counter, smoothed over the last few samples. */
public final class RateMeter {
    private long lastBytes = -1;
    private long lastNanos;
    private double rate;

    public synchronized double update(long totalBytes) {
        long now = System.nanoTime();
        if (lastBytes >= 0 && now > lastNanos) {
            double instant = (totalBytes - lastBytes) * 1e9 / (now - lastNanos);
            rate = rate == 0 ? instant : 0.5 * rate + 0.5 * instant;
        }
        lastBytes = totalBytes;
        lastNanos = now;
        return rate;
    }
}
