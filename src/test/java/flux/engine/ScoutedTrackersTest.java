package flux.engine;

import bt.metainfo.TorrentId;
import bt.tracker.Tracker;
import bt.tracker.TrackerFactory;
import bt.tracker.TrackerRequestBuilder;
import bt.tracker.TrackerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ScoutedTrackersTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** bt's side, recorded: which trackers it built and which requests it sent. */
    private final List<String> built = new CopyOnWriteArrayList<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final TrackerFactory bt = url -> {
        built.add(url);
        return new Tracker() {
            @Override
            public TrackerRequestBuilder request(TorrentId torrentId) {
                return new TrackerRequestBuilder(torrentId) {
                    private TrackerResponse record(String event) {
                        sent.add(event + " numwant=" + getNumWant());
                        return TrackerResponse.failure("bt's client: " + event);
                    }

                    @Override
                    public TrackerResponse start() {
                        return record("start");
                    }

                    @Override
                    public TrackerResponse stop() {
                        return record("stop");
                    }

                    @Override
                    public TrackerResponse complete() {
                        return record("complete");
                    }

                    @Override
                    public TrackerResponse query() {
                        return record("query");
                    }
                };
            }

            @Override
            public void close() {
                built.add("closed " + url);
            }
        };
    };

    @Test
    void btsFirstAnnounceIsTheScoutsAndItsClientIsBuiltOnlyForTheNextRequest() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(filled(3));
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK);
             ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            CompletableFuture<String> announce = CompletableFuture.supplyAsync(
                    () -> PeerScoutTest.answerOnce(tracker, peer.getLocalPort()));
            String url = "http://127.0.0.1:" + tracker.getLocalPort() + "/announce";
            PeerScout scout = PeerScout.start(new PeerScout.Target(torrent, List.of(url), 1), Engine.newPeerId(),
                    false, 51413, LOOPBACK);
            announce.get(10, TimeUnit.SECONDS);
            Tracker trackers = new ScoutedTrackers(bt, scout).getTracker(url);

            TrackerResponse first = trackers.request(torrent).start();
            assertTrue(first.isSuccess());
            assertEquals(60, first.getInterval(), "the tracker's interval, for bt's next announce");
            List<InetSocketAddress> peers = new ArrayList<>();
            first.getPeers().forEach(p -> peers.add(new InetSocketAddress(p.getInetAddress(), p.getPort())));
            assertEquals(List.of(new InetSocketAddress(LOOPBACK, peer.getLocalPort())), peers);
            assertEquals(List.of(), built, "bt's client is not built for an announce the scout made");

            TorrentId other = TorrentId.fromBytes(filled(4));
            assertFalse(trackers.request(other).start().isSuccess(), "another torrent: bt's client announces");
            assertFalse(trackers.request(torrent).numWant(7).start().isSuccess(), "the scout's reply is used once");
            assertFalse(trackers.request(torrent).numWant(0).stop().isSuccess());
            assertEquals(List.of(url), built, "one client, built at the first request it had to make");
            assertEquals(List.of("start numwant=null", "start numwant=7", "stop numwant=0"), sent);
            trackers.close();
            assertEquals(List.of(url, "closed " + url), built);
            scout.close();
        }
    }

    @Test
    void withoutAScoutedAnnounceBtsClientDoesEverything() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(filled(5));
        String refusing;
        try (ServerSocket closed = new ServerSocket(0, 1, LOOPBACK)) {
            refusing = "http://127.0.0.1:" + closed.getLocalPort() + "/announce";
        }
        PeerScout scout = PeerScout.start(new PeerScout.Target(torrent, List.of(refusing), 1), Engine.newPeerId(),
                false, 51413, LOOPBACK);
        ScoutedTrackers trackers = new ScoutedTrackers(bt, scout);

        assertFalse(trackers.getTracker(refusing).request(torrent).start().isSuccess(), "the scout's announce failed");
        assertFalse(trackers.getTracker("http://127.0.0.1:9/other").request(torrent).query().isSuccess());
        assertEquals(List.of(refusing, "http://127.0.0.1:9/other"), built);
        assertEquals(List.of("start numwant=null", "query numwant=null"), sent);
        scout.close();
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
