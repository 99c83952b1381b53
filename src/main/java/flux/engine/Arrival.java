package flux.engine;

import bt.data.BlockSet;

import java.util.concurrent.TimeUnit;

/**
 * When a sought piece bt is fetching was first seen arriving, and how many of its blocks were in
 * then: {@link UrgentRequests} fetches it itself too when the rest comes too slowly.
 */
record Arrival(long since, int presentThen) {
    /**
     * A sought piece that bt was fetching already, and of which blocks had come, is watched this
     * long to see how fast the rest comes; it is fetched by {@link UrgentRequests} too when, at
     * that rate, the rest would take longer than {@link #SLOW_REST_NANOS}. bt gives a stream's
     * first piece to the first peer that unchokes flux, before the player asks for it: from one
     * libtorrent seeder at 2 MB/s a 1 MiB piece takes 0.5 s, from four 0.13 s (and when that peer
     * sent 0.25 MB/s, 2 of 6 first bytes waited 4 s). On the loopback swarm such a piece is in
     * within ~10 ms.
     */
    static final long RATE_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    static final long SLOW_REST_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The piece as seen now. */
    static Arrival seen(long now, BlockSet blocks) {
        return new Arrival(now, Blocks.presentCount(blocks));
    }

    /** True when, at the rate blocks came since, the rest would take longer than {@link #SLOW_REST_NANOS}. */
    boolean tooSlow(long now, BlockSet blocks) {
        long elapsed = now - since;
        if (elapsed < RATE_SAMPLE_NANOS) {
            return false;
        }
        int present = Blocks.presentCount(blocks);
        if (present == blocks.blockCount()) {
            return false; // all in, being checked
        }
        int came = present - presentThen;
        long rest = (long) (blocks.blockCount() - present) * elapsed;
        return came <= 0 || rest > SLOW_REST_NANOS * came;
    }
}
