package flux.cli;

import flux.engine.TorrentSession;
import flux.stream.ReaderPosition;
import flux.stream.StreamingFile;
import flux.ui.Events;
import flux.ui.LiveStatus;
import flux.ui.Progress;
import flux.ui.RateMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Periodic progress: a plain line on stderr (every few seconds) and JSON progress events. */
final class StatusReporter {
    private static final Logger log = LoggerFactory.getLogger("flux.status");

    private final TorrentSession session;
    private final StreamingFile file;
    private final Events events;
    private final RateMeter down = new RateMeter();
    private final RateMeter up = new RateMeter();
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

    /** The status now, with the rates of the last tick (does not disturb the rate meters). */
    Progress current() {
        return compute(lastDown, lastUp);
    }

    private volatile double lastDown;
    private volatile double lastUp;

    Progress snapshot() {
        lastDown = down.update(session.downloadedBytes());
        lastUp = up.update(session.uploadedBytes());
        return compute(lastDown, lastUp);
    }

    private Progress compute(double downRate, double upRate) {
        long have = 0;
        var layout = file.layout();
        var verified = session.verified();
        for (int p = layout.firstPiece(); p <= layout.lastPiece(); p++) {
            if (verified.isVerified(p)) {
                long start = Math.max(0, p * layout.pieceLength() - layout.fileStart());
                have += layout.pieceEndInFile(p) - start;
            }
        }
        List<ReaderPosition> readers = session.readers().positions();
        long ahead = 0;
        String state;
        if (have == file.length()) {
            state = "complete";
        } else if (!readers.isEmpty()) {
            long pos = Math.max(0, readers.get(0).piece() * layout.pieceLength() - layout.fileStart());
            ahead = file.availableFrom(Math.min(pos, file.length()));
            state = ahead == 0 ? "buffering" : "streaming";
        } else {
            state = "downloading";
        }
        return new Progress(state, session.connectedPeers(), file.length(), have, ahead,
                downRate, upRate,
                session.downloadedBytes(), session.uploadedBytes());
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
