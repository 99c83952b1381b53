package flux.engine;

import bt.metainfo.TorrentId;
import bt.tracker.Tracker;
import bt.tracker.TrackerFactory;
import bt.tracker.TrackerRequestBuilder;
import bt.tracker.TrackerResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HttpTrackersTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** bt's https:// side, recorded: which trackers it built and which requests it sent. */
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
    void firstAnnounceIsTheScoutsAndTheNextOnesLeaveFromTheBoundAddressWithBtsCounters() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(filled(3));
        InetAddress bound = InetAddress.getByName("127.0.0.5");
        try (ServerSocket peer = new ServerSocket(0, 5, LOOPBACK);
             ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            CompletableFuture<String> scouted = CompletableFuture.supplyAsync(
                    () -> PeerScoutTest.answerOnce(tracker, peer.getLocalPort()));
            String url = "http://127.0.0.1:" + tracker.getLocalPort() + "/announce";
            PeerScout scout = PeerScout.start(new PeerScout.Target(torrent, List.of(url), 1), Engine.newPeerId(),
                    false, 51413, bound, new TrackerReplies());
            scouted.get(10, TimeUnit.SECONDS);
            TrackerReplies replies = new TrackerReplies();
            Tracker trackers = new HttpTrackers(bt, scout, self(bound, new Announce.Transfer(100, 200, 300)), replies)
                    .getTracker(url);

            TrackerResponse first = trackers.request(torrent).start();
            assertTrue(first.isSuccess());
            assertEquals(60, first.getInterval(), "the tracker's interval, for bt's next announce");
            assertEquals(List.of(new InetSocketAddress(LOOPBACK, peer.getLocalPort())), addresses(first));

            CompletableFuture<Heard> query = CompletableFuture.supplyAsync(() -> answer(tracker));
            assertTrue(trackers.request(torrent).query().isSuccess());
            assertEquals(new TrackerReplies.Tally(1, 1), replies.tally(torrent), "the tracker answered");
            Heard heard = query.get(10, TimeUnit.SECONDS);
            assertEquals(bound, heard.from(), "the request comes from the bound address");
            assertTrue(heard.requestLine().contains("&port=51413&uploaded=100&downloaded=200&left=300&"),
                    heard.requestLine());
            assertTrue(heard.requestLine().contains("&numwant=50"), "bt's configured numwant: " + heard.requestLine());
            assertFalse(heard.requestLine().contains("event="), "a regular announce names no event");

            CompletableFuture<Heard> stop = CompletableFuture.supplyAsync(() -> answer(tracker));
            assertTrue(trackers.request(torrent).numWant(0).stop().isSuccess());
            assertTrue(stop.get(10, TimeUnit.SECONDS).requestLine().contains("&numwant=0&event=stopped&ip=127.0.0.5 "));
            CompletableFuture<Heard> again = CompletableFuture.supplyAsync(() -> answer(tracker));
            assertTrue(trackers.request(torrent).start().isSuccess(), "the scout's reply stands for one announce");
            assertTrue(again.get(10, TimeUnit.SECONDS).requestLine().contains("&event=started&ip=127.0.0.5 "));
            assertEquals(List.of(), built, "bt's client is never built for http://");
            scout.close();
        }
    }

    @Test
    void aTrackerThatRefusesTheTorrentAnswered() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(filled(8));
        try (ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            String url = "http://127.0.0.1:" + tracker.getLocalPort() + "/announce";
            PeerScout scout = scoutWithoutTrackers(torrent);
            TrackerReplies replies = new TrackerReplies();
            Tracker trackers = new HttpTrackers(bt, scout, self(LOOPBACK, Announce.Transfer.nothingYet(1)), replies).getTracker(url);
            byte[] refusal = "d14:failure reason14:not authorizede".getBytes(StandardCharsets.US_ASCII);
            CompletableFuture.supplyAsync(() -> answer(tracker, refusal));
            assertFalse(trackers.request(torrent).query().isSuccess());
            assertEquals(new TrackerReplies.Tally(1, 1), replies.tally(torrent), "reachable: the torrent is what it refused");
            scout.close();
        }
    }

    @Test
    void fluxsOwnEntryInATrackersAnswerIsNotAPeer() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(filled(7));
        try (ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            String url = "http://127.0.0.1:" + tracker.getLocalPort() + "/announce";
            PeerScout scout = scoutWithoutTrackers(torrent);
            Tracker trackers = new HttpTrackers(bt, scout, self(LOOPBACK, new Announce.Transfer(0, 0, 9)), new TrackerReplies()).getTracker(url);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes("d8:intervali1800e5:peers12:".getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(new byte[]{127, 0, 0, 1, (byte) (51413 >> 8), (byte) 51413, 127, 0, 0, 2, 0x1a, (byte) 0xe1});
            body.write('e');
            CompletableFuture.supplyAsync(() -> answer(tracker, body.toByteArray()));
            assertEquals(List.of(new InetSocketAddress("127.0.0.2", 6881)), addresses(trackers.request(torrent).query()));
            scout.close();
        }
    }

    @Test
    void anUnreachableTrackerIsAnErrorResponseAndHttpsGoesToBtsClientBuiltAtItsFirstRequest() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(filled(5));
        String refusing;
        try (ServerSocket closed = new ServerSocket(0, 1, LOOPBACK)) {
            refusing = "http://127.0.0.1:" + closed.getLocalPort() + "/announce";
        }
        PeerScout scout = PeerScout.start(new PeerScout.Target(torrent, List.of(refusing), 1), Engine.newPeerId(),
                false, 51413, LOOPBACK, new TrackerReplies());
        TrackerReplies replies = new TrackerReplies();
        HttpTrackers trackers = new HttpTrackers(bt, scout, self(null, Announce.Transfer.nothingYet(1)), replies);

        TrackerResponse failed = trackers.getTracker(refusing).request(torrent).start();
        assertFalse(failed.isSuccess(), "the scout's announce failed and so does flux's own");
        assertTrue(failed.getError().isPresent());
        assertEquals(new TrackerReplies.Tally(1, 0), replies.tally(torrent), "asked, not answered");

        String https = "https://127.0.0.1:9/announce";
        Tracker secure = trackers.getTracker(https);
        assertEquals(List.of(), built);
        assertFalse(secure.request(torrent).numWant(7).query().isSuccess());
        assertFalse(secure.request(torrent).stop().isSuccess());
        assertEquals(List.of(https), built, "one client, built at the first request");
        assertEquals(List.of("query numwant=7", "stop numwant=null"), sent);
        assertEquals(new TrackerReplies.Tally(2, 1), replies.tally(torrent),
                "the refused http:// tracker was not reached; the https one answered with a failure reason");
        secure.close();
        assertEquals(List.of(https, "closed " + https), built);
        scout.close();
    }

    @Test
    void readsAChunkedAnswerAndRejectsATruncatedOne() throws Exception {
        TorrentId torrent = TorrentId.fromBytes(filled(6));
        try (ServerSocket tracker = new ServerSocket(0, 5, LOOPBACK)) {
            String url = "http://127.0.0.1:" + tracker.getLocalPort() + "/announce";
            PeerScout scout = scoutWithoutTrackers(torrent);
            Tracker client = new HttpTrackers(bt, scout, self(null, Announce.Transfer.nothingYet(1)), new TrackerReplies()).getTracker(url);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            answer.writeBytes("d8:intervali60e5:peers6:".getBytes(StandardCharsets.US_ASCII));
            answer.writeBytes(new byte[]{127, 0, 0, 9, 0x1a, (byte) 0xe1});
            answer.write('e');
            byte[] body = answer.toByteArray(); // 31 bytes, sent in chunks of 10, 20 and 1
            ByteArrayOutputStream chunked = new ByteArrayOutputStream();
            for (int[] chunk : new int[][]{{0, 10}, {10, 20}, {30, 1}}) {
                chunked.writeBytes((Integer.toHexString(chunk[1]) + ";ext=1\r\n").getBytes(StandardCharsets.US_ASCII));
                chunked.write(body, chunk[0], chunk[1]);
                chunked.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            CompletableFuture.runAsync(() -> answer(tracker, CHUNKED, chunked.toByteArray()));
            TrackerResponse response = client.request(torrent).query();
            assertTrue(response.isSuccess(), () -> String.valueOf(response.getError()));
            assertEquals(List.of(new InetSocketAddress("127.0.0.9", 6881)), addresses(response));

            byte[] truncated = Arrays.copyOf(chunked.toByteArray(), 20);
            CompletableFuture.runAsync(() -> answer(tracker, CHUNKED, truncated));
            assertFalse(client.request(torrent).query().isSuccess());
            scout.close();
        }
    }

    @Test
    void aMagnetWithoutItsMetadataIsAnnouncedWithBytesLeftNotAsASeeder() {
        TorrentId torrent = TorrentId.fromBytes(filled(8));
        Object state = proxy(bt.torrent.TorrentSessionState.class, Map.of("getUploaded", 5L, "getDownloaded", 7L,
                "getLeft", 0L)); // bt's figure for a torrent whose size it does not know yet
        Object descriptor = proxy(bt.torrent.TorrentDescriptor.class, Map.of("getSessionState", Optional.of(state)));
        bt.torrent.TorrentRegistry magnet = proxy(bt.torrent.TorrentRegistry.class,
                Map.of("getTorrent", Optional.empty(), "getDescriptor", Optional.of(descriptor)));
        assertEquals(new Announce.Transfer(5, 7, Announce.LEFT_UNKNOWN), HttpTrackers.transfer(magnet, torrent));

        bt.torrent.TorrentRegistry complete = proxy(bt.torrent.TorrentRegistry.class,
                Map.of("getTorrent", Optional.of(proxy(bt.metainfo.Torrent.class, Map.of())),
                        "getDescriptor", Optional.of(descriptor)));
        assertEquals(new Announce.Transfer(5, 7, 0), HttpTrackers.transfer(complete, torrent), "metadata in: a seeder");

        bt.torrent.TorrentRegistry unknown = proxy(bt.torrent.TorrentRegistry.class,
                Map.of("getTorrent", Optional.empty(), "getDescriptor", Optional.empty()));
        assertEquals(Announce.Transfer.nothingYet(Announce.LEFT_UNKNOWN), HttpTrackers.transfer(unknown, torrent));
    }

    /** An implementation of a bt interface answering the named methods with these values. */
    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Map<String, Object> answers) {
        return (T) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, method, args) -> {
            if (!answers.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return answers.get(method.getName());
        });
    }

    private static HttpTrackers.Self self(InetAddress bound, Announce.Transfer transfer) {
        return new HttpTrackers.Self(Engine.newPeerId().getBytes(), 51413, bound, 50, Duration.ofSeconds(5),
                t -> transfer);
    }

    /** What a tracker heard: the request line and the address it came from. */
    private record Heard(String requestLine, InetAddress from) {
    }

    /** Answers one announce with an empty peer list and a 60 s interval. */
    private static Heard answer(ServerSocket tracker) {
        return answer(tracker, "d8:intervali60e5:peers0:e".getBytes(StandardCharsets.US_ASCII));
    }

    private static Heard answer(ServerSocket tracker, byte[] answer) {
        return answer(tracker, "HTTP/1.0 200 OK\r\nContent-Length: " + answer.length + "\r\n\r\n", answer);
    }

    /** The head of a chunked answer; its body is given as it goes on the wire. */
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

    /** Answers one request with this head and these bytes as they are. */
    private static Heard answer(ServerSocket tracker, String head, byte[] body) {
        try (Socket s = tracker.accept()) {
            String requestLine = PeerScoutTest.requestLine(s);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            return new Heard(requestLine, s.getInetAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PeerScout scoutWithoutTrackers(TorrentId torrent) {
        return PeerScout.start(new PeerScout.Target(torrent, List.of(), 1), Engine.newPeerId(), false, 51413, LOOPBACK, new TrackerReplies());
    }

    private static List<InetSocketAddress> addresses(TrackerResponse response) {
        List<InetSocketAddress> peers = new ArrayList<>();
        response.getPeers().forEach(p -> peers.add(new InetSocketAddress(p.getInetAddress(), p.getPort())));
        return peers;
    }

    private static byte[] filled(int value) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
