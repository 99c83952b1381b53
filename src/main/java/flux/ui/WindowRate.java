package flux.ui;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Bytes per second from a growing counter over a window of the last seconds: the pace a player
 * meets over a minute of video, where {@link RateMeter}'s smoothed rate shows the last second;
 * what a peer sent over the last second, which sizes its request queue ({@code
 * flux.engine.PeerQueues}: a second rather than a moment, since some peers send in pulses).
 */
public final class WindowRate {
    private final long windowNanos;
    private final long stepNanos;
    /** (nanos, bytes) samples, oldest first: the oldest is the last one at or before the window's start. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    public WindowRate(long windowNanos) {
        this(windowNanos, 0);
    }

    /**
     * @param stepNanos samples closer than this to the one kept before are not kept: a caller that
     *                  updates many times a second keeps a handful per window
     */
    public WindowRate(long windowNanos, long stepNanos) {
        this.windowNanos = windowNanos;
        this.stepNanos = stepNanos;
    }

    /** Adds a sample and returns the rate over the window (0 until two samples). */
    public synchronized double update(long totalBytes, long nowNanos) {
        long[] last = samples.peekLast();
        if (last == null || nowNanos - last[0] >= stepNanos) {
            samples.addLast(new long[]{nowNanos, totalBytes});
            while (samples.size() > 2 && nowNanos - second()[0] >= windowNanos) {
                samples.removeFirst(); // the next one still reaches back to the window's start
            }
        }
        return rate();
    }

    /** The rate over the window from the samples kept (0 until two samples). */
    public synchronized double rate() {
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        return first != null && last[0] > first[0] ? (last[1] - first[1]) * 1e9 / (last[0] - first[0]) : 0;
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
