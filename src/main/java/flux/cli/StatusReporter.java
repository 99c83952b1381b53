package flux.cli;

import flux.engine.TorrentSession;
import flux.stream.ReaderPosition;
import flux.stream.StreamingFile;
import flux.ui.Events;
import flux.ui.LiveStatus;
import flux.ui.Progress;
import flux.ui.RateMeter;
import flux.ui.Sizes;
import flux.ui.WindowRate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Periodic progress: a plain line on stderr (every few seconds) and JSON progress events. Once the
 * video's playing time is known ({@link IndexPrefetch}) it also tells how many seconds of video are
 * ahead of the player and, when the download is slower than playback, how long a pause lets the
 * rest play through.
 */
final class StatusReporter {
    private static final Logger log = LoggerFactory.getLogger("flux.status");
    private static final long PACE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** A pace measured over less than this is still the start's ramp: no play-through estimate yet. */
    private static final long PACE_SETTLED_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** The play-through advice is logged when the pause it asks for is at least this long, once a minute at most. */
    private static final long ADVICE_FROM_SECONDS = 10;
    private static final long ADVICE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final TorrentSession session;
    private final StreamingFile file;
    private final Events events;
    private final RateMeter down = new RateMeter();
    private final RateMeter up = new RateMeter();
    /** The download's pace over the last minute (from its first byte on), what the play-through estimate uses. */
    private final WindowRate pace = new WindowRate(PACE_WINDOW_NANOS);
    private long advisedAt;
    private boolean advised;
    /** Bytes of the file per second of video; 0 until the playing time is known. */
    private volatile double videoRate;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flux-status");
        t.setDaemon(true);
        return t;
    });
    private boolean completeReported;

    private final WaitReport waits;

    StatusReporter(TorrentSession session, StreamingFile file, Events events) {
        this.session = session;
        this.file = file;
        this.events = events;
        this.waits = new WaitReport(session.meta().pieceCount(), session::holders, events);
    }

    /** The live status at the bottom of a terminal; null when stderr is not one. */
    private volatile LiveStatus live;

    void start() {
        live = LiveStatus.open(Terminals.stderrIsTerminal(), Logging.quiet());
        timer.scheduleAtFixedRate(this::tick, 500, 500, TimeUnit.MILLISECONDS);
    }

    private int ticks;

    private void tick() {
        try {
            Progress p = snapshot();
            ticks++;
            LiveStatus l = live;
            if (l != null) {
                l.show(p, fileMap(), readerFraction());
            }
            // before the progress event that says how long to pause: a script that reads the
            // event finds the advice in the log already (StreamIT read stderr in between, once)
            advise(p);
            // every 5 s a plain line for logs and pipes; a terminal has the live lines instead
            if (ticks % 10 == 0 || (p.haveBytes() == p.fileBytes() && !completeReported)) {
                if (l == null) {
                    log.info(p.line());
                }
                events.emit("progress", p.json());
            }
            waits.check(session.readers().waits(), System.nanoTime());
            if (p.haveBytes() == p.fileBytes() && !completeReported) {
                completeReported = true;
                events.emit("done", p.json());
                log.info("download complete");
            }
        } catch (RuntimeException e) {
            log.debug("status", e);
        }
    }

    /** The video's playing time, from its container's headers: seconds of video from here on. */
    void playingTime(double seconds) {
        videoRate = file.length() / seconds;
        log.info("{}: {} of video at {}", file.name(), Sizes.duration(Math.round(seconds)), Sizes.rate(videoRate));
    }

    /** Says once a minute at most that the player will stall unless it pauses, and for how long. */
    private void advise(Progress p) {
        long now = System.nanoTime();
        if (p.playThroughWait() < ADVICE_FROM_SECONDS || (advised && now - advisedAt < ADVICE_EVERY_NANOS)) {
            return;
        }
        advised = true;
        advisedAt = now;
        log.info("the download ({} over the last {} s) is slower than the video plays ({}): pausing the player "
                + "about {} s now lets the rest play without a stall", Sizes.rate(lastPace),
                TimeUnit.NANOSECONDS.toSeconds(pace.spanNanos()), Sizes.rate(p.videoRate()), p.playThroughWait());
    }

    /** The status now, with the rates of the last tick (does not disturb the rate meters). */
    Progress current() {
        return compute(lastDown, lastUp);
    }

    private volatile double lastDown;
    private volatile double lastUp;
    private volatile double lastPace;

    Progress snapshot() {
        lastDown = down.update(session.downloadedBytes());
        lastUp = up.update(session.uploadedBytes());
        if (session.downloadedBytes() > 0) { // from the first byte: waiting for an unchoke says nothing of the pace
            lastPace = pace.update(session.downloadedBytes(), System.nanoTime());
        }
        return compute(lastDown, lastUp);
    }

    private Progress compute(double downRate, double upRate) {
        long have = verifiedFrom(0);
        var layout = file.layout();
        List<ReaderPosition> readers = session.readers().positions();
        long ahead = 0;
        long playThroughWait = 0;
        String state;
        if (have == file.length()) {
            state = "complete";
        } else if (!readers.isEmpty()) {
            long pos = Math.min(file.length(), Math.max(0, readers.get(0).piece() * layout.pieceLength() - layout.fileStart()));
            ahead = file.availableFrom(pos);
            state = ahead == 0 ? "buffering" : "streaming";
            if (videoRate > 0 && pace.spanNanos() >= PACE_SETTLED_NANOS) {
                long remaining = file.length() - pos;
                playThroughWait = Progress.playThroughWait(remaining, remaining - verifiedFrom(pos), lastPace, videoRate);
            }
        } else {
            state = "downloading";
        }
        return new Progress(state, session.connectedPeers(), file.length(), have, ahead,
                downRate, upRate,
                session.downloadedBytes(), session.uploadedBytes(), videoRate, playThroughWait);
    }

    /** Verified bytes of the file from {@code pos} to its end. */
    private long verifiedFrom(long pos) {
        var layout = file.layout();
        var verified = session.verified();
        long bytes = 0;
        for (int p = layout.pieceAt(pos); p <= layout.lastPiece(); p++) {
            if (verified.isVerified(p)) {
                long start = Math.max(pos, p * layout.pieceLength() - layout.fileStart());
                bytes += Math.max(0, layout.pieceEndInFile(p) - start);
            }
        }
        return bytes;
    }

    /** Per piece of the file: 1 when verified, else 0 (the live bar). */
    private double[] fileMap() {
        var layout = file.layout();
        var verified = session.verified();
        double[] map = new double[layout.lastPiece() - layout.firstPiece() + 1];
        for (int i = 0; i < map.length; i++) {
            map[i] = verified.isVerified(layout.firstPiece() + i) ? 1 : 0;
        }
        return map;
    }

    private double readerFraction() {
        List<ReaderPosition> readers = session.readers().positions();
        if (readers.isEmpty()) {
            return -1;
        }
        var layout = file.layout();
        return (double) (readers.get(0).piece() - layout.firstPiece()) / Math.max(1, layout.lastPiece() - layout.firstPiece() + 1);
    }

    void finalLine() {
        log.info(snapshot().line());
    }

    void stop() {
        timer.shutdownNow();
        LiveStatus l = live;
        live = null;
        if (l != null) {
            try {
                timer.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            l.close();
            log.info(snapshot().line());
        }
    }
}
