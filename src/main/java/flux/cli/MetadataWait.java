package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.TorrentMeta;
import flux.engine.TorrentSession;
import flux.engine.TrackerReplies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a torrent's metadata with a deadline, saying what it is waiting for. */
final class MetadataWait {
    private static final Logger log = LoggerFactory.getLogger(MetadataWait.class);

    private MetadataWait() {
    }

    static TorrentMeta await(TorrentSession session, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long nextNote = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                return session.metadata().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                if (now > deadline) {
                    throw noMetadata(timeoutSeconds, session.knownPeers(), session.connectedPeers(), session.trackers());
                }
                if (now > nextNote) {
                    log.info("fetching metadata: {}", situation(session.knownPeers(), session.connectedPeers(), session.trackers()));
                    nextNote = now + TimeUnit.SECONDS.toNanos(10);
                }
            } catch (CancellationException e) {
                throw new FluxException(ExitCode.INTERRUPTED, "interrupted");
            } catch (ExecutionException e) {
                throw new FluxException(ExitCode.NETWORK, "the torrent stopped: " + e.getCause().getMessage(), null, e.getCause());
            }
        }
    }

    /**
     * What to say when the metadata did not come: how many peers were found, and whether the
     * trackers answered at all, which tells a dead tracker (add another) from a torrent nobody
     * seeds or a network that blocks peers.
     */
    static FluxException noMetadata(int timeoutSeconds, int peersFound, int peersConnected, TrackerReplies.Tally trackers) {
        String message = "no metadata after " + timeoutSeconds + " s (" + situation(peersFound, peersConnected, trackers) + ")";
        return new FluxException(ExitCode.NETWORK, message, noTrackerAnswered(peersFound, trackers)
                ? "add a working tracker with --tracker URL, or check your network"
                : "check the magnet's trackers and your network, or wait longer with --timeout");
    }

    /** The peers found and connected, and how the trackers answered (said while waiting, too). */
    static String situation(int peersFound, int peersConnected, TrackerReplies.Tally trackers) {
        String found = peersFound + " peers found, " + peersConnected + " connected";
        if (noTrackerAnswered(peersFound, trackers)) {
            return found + "; " + (trackers.asked() == 1 ? "its tracker did not answer"
                    : "none of its " + trackers.asked() + " trackers answered");
        }
        if (trackers.asked() == 0) {
            return found;
        }
        String trackersAsked = trackers.asked() + (trackers.asked() == 1 ? " tracker" : " trackers");
        return found + "; " + trackers.answered() + " of " + trackersAsked + " answered";
    }

    /** No peer from anywhere, and every tracker asked failed to answer: the trackers are what to fix. */
    private static boolean noTrackerAnswered(int peersFound, TrackerReplies.Tally trackers) {
        return trackers.asked() > 0 && trackers.answered() == 0 && peersFound == 0;
    }
}
