package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.TorrentMeta;
import flux.engine.TorrentSession;
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
                    throw new FluxException(ExitCode.NETWORK, "no metadata after " + timeoutSeconds + " s ("
                            + session.knownPeers() + " peers found, " + session.connectedPeers() + " connected)",
                            "check the magnet's trackers and your network, or wait longer with --timeout");
                }
                if (now > nextNote) {
                    log.info("fetching metadata: {} peers found, {} connected", session.knownPeers(), session.connectedPeers());
                    nextNote = now + TimeUnit.SECONDS.toNanos(10);
                }
            } catch (CancellationException e) {
                throw new FluxException(ExitCode.INTERRUPTED, "interrupted");
            } catch (ExecutionException e) {
                throw new FluxException(ExitCode.NETWORK, "the torrent stopped: " + e.getCause().getMessage(), null, e.getCause());
            }
        }
    }
}
