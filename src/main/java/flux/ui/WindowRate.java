package flux.ui;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Bytes per second from a growing counter over a window of the last seconds: the pace a player
 * meets over a minute of video, where {@link RateMeter}'s smoothed rate shows the last second.
 */
public final class WindowRate {
    private final long windowNanos;
    /** (nanos, bytes) samples, oldest first: the oldest is the last one at or before the window's start. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    public WindowRate(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Adds a sample and returns the rate over the window (0 until two samples). */
    public synchronized double update(long totalBytes, long nowNanos) {
        samples.addLast(new long[]{nowNanos, totalBytes});
        while (samples.size() > 2 && nowNanos - second()[0] >= windowNanos) {
            samples.removeFirst(); // the next one still reaches back to the window's start
        }
        long[] first = samples.peekFirst();
        return nowNanos > first[0] ? (totalBytes - first[1]) * 1e9 / (nowNanos - first[0]) : 0;
    }

    private long[] second() {
        Iterator<long[]> it = samples.iterator();
        it.next();
        return it.next();
    }

    /** How long the samples span: a rate over less than the window is still settling. */
    public synchronized long spanNanos() {
        return samples.isEmpty() ? 0 : samples.peekLast()[0] - samples.peekFirst()[0];
    }
}
