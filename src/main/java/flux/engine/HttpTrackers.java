package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.InetPeer;
import bt.net.Peer;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.TorrentSessionState;
import bt.tracker.Tracker;
import bt.tracker.TrackerFactory;
import bt.tracker.TrackerRequestBuilder;
import bt.tracker.TrackerResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * flux's client for http:// trackers, in bt's place, and bt's own for https:// (TLS).
 * <p>
 * bt's HTTP client sends its requests from the machine's default address whatever address flux is
 * bound to, and most trackers ignore {@code ip=} and record the address a request comes from: with
 * --bind they told the swarm to dial flux where it does not listen, and a user who binds flux to a
 * VPN's address had the other one announced. {@link Announce} sends from the bound address, with the
 * counters bt would report. The first announce of the scouted torrent to a tracker the
 * {@link PeerScout} already announced to is answered with the scout's reply: the tracker heard that
 * very announce (same peer id and port) moments ago. bt's https:// client is built at its first
 * request only: building it sets up TLS (the JDK's CA certificates, ~0.15 s of CPU).
 */
final class HttpTrackers implements TrackerFactory {
    private static final Logger log = LoggerFactory.getLogger(HttpTrackers.class);

    /** Who flux is to a tracker, and what it moved of each torrent so far. */
    record Self(byte[] peerId, int port, InetAddress announcedAddress, int numWant, Duration timeout,
                Function<TorrentId, Announce.Transfer> transfer) {
    }

    private final TrackerFactory https;
    private final PeerScout scout;
    private final Self self;
    private final TrackerReplies replies;

    HttpTrackers(TrackerFactory https, PeerScout scout, Self self, TrackerReplies replies) {
        this.https = https;
        this.scout = scout;
        this.self = self;
        this.replies = replies;
    }

    @Override
    public Tracker getTracker(String trackerUrl) {
        return Announce.canAsk(trackerUrl) ? new PlainTracker(trackerUrl) : new LazyTracker(trackerUrl);
    }

    /** An http:// tracker, asked by {@link Announce}. */
    private final class PlainTracker implements Tracker {
        private final String url;

        PlainTracker(String url) {
            this.url = url;
        }

        @Override
        public TrackerRequestBuilder request(TorrentId torrentId) {
            return announcing(torrentId, (request, event) -> event == Announce.Event.STARTED
                    ? scout.firstAnnounce(torrentId, url).map(HttpTrackers::response).orElseGet(() -> announce(request, event))
                    : announce(request, event));
        }

        private TrackerResponse announce(TrackerRequestBuilder request, Announce.Event event) {
            TorrentId torrent = request.getTorrentId();
            int numWant = request.getNumWant() == null ? self.numWant() : request.getNumWant();
            Announce.Request announce = new Announce.Request(torrent.getBytes(), self.peerId(), self.port(), event,
                    self.transfer().apply(torrent), self.announcedAddress(), numWant);
            try {
                Announce.Reply reply = Announce.announce(url, announce, (int) self.timeout().toMillis())
                        .without(self.announcedAddress(), self.port());
                log.debug("tracker {} ({}): {} peers", url, event, reply.peers().size());
                replies.answered(torrent, url);
                return response(reply);
            } catch (IOException | RuntimeException e) {
                log.debug("tracker {} ({}): {}", url, event, e.toString());
                replies.failed(torrent, url, e);
                return TrackerResponse.exceptional(e);
            }
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return url;
        }
    }

    /** An https:// tracker: bt's client, built at its first request. */
    private final class LazyTracker implements Tracker {
        private final String url;
        private Tracker client;

        LazyTracker(String url) {
            this.url = url;
        }

        private synchronized Tracker client() {
            if (client == null) {
                client = https.getTracker(url);
            }
            return client;
        }

        @Override
        public TrackerRequestBuilder request(TorrentId torrentId) {
            return announcing(torrentId, (request, event) -> {
                TrackerRequestBuilder same = client().request(torrentId).numWant(request.getNumWant());
                TrackerResponse response = switch (event) {
                    case STARTED -> same.start();
                    case STOPPED -> same.stop();
                    case COMPLETED -> same.complete();
                    case NONE -> same.query();
                };
                // bt reports a failure reason from the tracker without an error: that is an answer too
                response.getError().ifPresentOrElse(error -> replies.failed(torrentId, url, error),
                        () -> replies.answered(torrentId, url));
                return response;
            });
        }

        @Override
        public synchronized void close() throws IOException {
            if (client != null) {
                client.close();
            }
        }

        @Override
        public String toString() {
            return url;
        }
    }

    /** How a tracker sends one announce: bt's request (the torrent, the peers wanted) and its event. */
    private interface Sender {
        TrackerResponse send(TrackerRequestBuilder request, Announce.Event event);
    }

    /** bt's request builder, its four methods (one per event) sent through {@code sender}. */
    private static TrackerRequestBuilder announcing(TorrentId torrent, Sender sender) {
        return new TrackerRequestBuilder(torrent) {
            @Override
            public TrackerResponse start() {
                return sender.send(this, Announce.Event.STARTED);
            }

            @Override
            public TrackerResponse stop() {
                return sender.send(this, Announce.Event.STOPPED);
            }

            @Override
            public TrackerResponse complete() {
                return sender.send(this, Announce.Event.COMPLETED);
            }

            @Override
            public TrackerResponse query() {
                return sender.send(this, Announce.Event.NONE);
            }
        };
    }

    /** What bt's session says flux moved of a torrent, for its announces. */
    static Announce.Transfer transfer(TorrentRegistry torrents, TorrentId torrent) {
        // before a magnet's metadata bt reports 0 bytes left, which would tell the tracker "seeder"
        boolean sized = torrents.getTorrent(torrent).isPresent();
        return torrents.getDescriptor(torrent).flatMap(TorrentDescriptor::getSessionState)
                .map(s -> new Announce.Transfer(s.getUploaded(), s.getDownloaded(),
                        !sized || s.getLeft() == TorrentSessionState.UNKNOWN ? Announce.LEFT_UNKNOWN : s.getLeft()))
                .orElse(Announce.Transfer.nothingYet(Announce.LEFT_UNKNOWN));
    }

    private static TrackerResponse response(Announce.Reply reply) {
        TrackerResponse response = TrackerResponse.ok();
        response.setInterval(reply.intervalSeconds());
        List<Peer> peers = reply.peers().stream()
                .map(p -> (Peer) InetPeer.build(p.getAddress(), p.getPort())).toList();
        response.setPeers(peers);
        return response;
    }
}
