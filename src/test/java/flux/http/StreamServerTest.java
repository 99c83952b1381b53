package flux.http;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.TorrentMeta;
import flux.engine.TorrentMeta.FileEntry;
import flux.stream.PieceLayout;
import flux.stream.ReaderRegistry;
import flux.stream.StreamingFile;
import flux.stream.VerifiedPieces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class StreamServerTest {
    static final String HASH = "0123456789abcdef0123456789abcdef01234567";
    static final int PIECE = 1024;
    // the .srt and .mp3 start mid-piece
    static final List<FileEntry> FILES = List.of(
            new FileEntry(0, "Show/Episode 1.mp4", 5000, 0),
            new FileEntry(1, "Show/Episode 1.srt", 300, 5000),
            new FileEntry(2, "Show/theme.mp3", 2000, 5300));
    static final long TOTAL = 7300;
    static final TorrentMeta META = new TorrentMeta("Show & Tell", HASH, PIECE, TOTAL,
            (int) ((TOTAL + PIECE - 1) / PIECE), FILES, false, List.of(), false);

    /** The whole torrent's bytes; each file reads its slice. */
    static final byte[] TORRENT = new byte[(int) TOTAL];

    static {
        new Random(42).nextBytes(TORRENT);
    }

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final VerifiedPieces verified = new VerifiedPieces(META.pieceCount());
    final ReaderRegistry readers = new ReaderRegistry();
    final Library library = new Library();
    StreamServer server;

    @AfterEach
    void stop() {
        verifyAll(); // releases any handler still waiting for a piece before the server stops
        if (server != null) {
            server.close();
        }
    }

    /** A MediaLibrary over {@link #TORRENT}, with the pieces {@link #verified} says are there. */
    final class Library implements MediaLibrary {
        @Override
        public flux.ui.Progress progress() {
            return new flux.ui.Progress("streaming", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public TorrentMeta meta() {
            return META;
        }

        @Override
        public int selectedIndex() {
            return 0;
        }

        @Override
        public StreamingFile file(int index) {
            FileEntry f = FILES.get(index);
            PieceLayout layout = new PieceLayout(PIECE, TOTAL, f.offset(), f.size());
            return new StreamingFile(f.fileName(), layout, verified, readers, (dst, offset) -> {
                int n = (int) Math.min(dst.remaining(), f.size() - offset);
                dst.put(TORRENT, (int) (f.offset() + offset), n);
                return n;
            });
        }
    }

    static byte[] bytesOf(int file, long from, long toExclusive) {
        long start = FILES.get(file).offset();
        return Arrays.copyOfRange(TORRENT, (int) (start + from), (int) (start + toExclusive));
    }

    void verifyAll() {
        for (int p = 0; p < META.pieceCount(); p++) {
            verified.markVerified(p);
        }
    }

    StreamServer startAllVerified() {
        verifyAll();
        server = StreamServer.start(library, "127.0.0.1", 0, false);
        return server;
    }

    HttpResponse<byte[]> get(String pathOrUrl, String... headers) throws Exception {
        return send("GET", pathOrUrl, headers);
    }

    HttpResponse<byte[]> send(String method, String pathOrUrl, String... headers) throws Exception {
        URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : server.baseUrl() + pathOrUrl);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    String mp4Path() {
        return StreamServer.filePath(META, 0);
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void getOfTheWholeFile() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(mp4Path());
        assertEquals(200, r.statusCode());
        assertEquals("5000", header(r, "Content-Length"));
        assertEquals("bytes", header(r, "Accept-Ranges"));
        assertEquals("video/mp4", header(r, "Content-Type"));
        assertArrayEquals(bytesOf(0, 0, 5000), r.body());
    }

    @Test
    void aDlnaTvIsToldItMaySeek() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = send("HEAD", mp4Path(), "getcontentFeatures.dlna.org", "1");
        assertEquals(MediaTypes.DLNA_CONTENT_FEATURES, header(r, "contentFeatures.dlna.org"));
        assertEquals("Streaming", header(r, "transferMode.dlna.org"));
        assertNull(header(get(mp4Path()), "contentFeatures.dlna.org"), "only for a TV that asks");
    }

    @Test
    void mp4IsServedAsVideoMp4() throws Exception {
        startAllVerified();
        assertEquals("video/mp4", header(send("HEAD", mp4Path()), "Content-Type"));
    }

    @Test
    void aFileStartingMidPieceIsServedWhole() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(StreamServer.filePath(META, 2));
        assertEquals(200, r.statusCode());
        assertEquals("audio/mpeg", header(r, "Content-Type"));
        assertArrayEquals(bytesOf(2, 0, 2000), r.body());
    }

    @Test
    void aClosedRange() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(mp4Path(), "Range", "bytes=100-199");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 100-199/5000", header(r, "Content-Range"));
        assertEquals("100", header(r, "Content-Length"));
        assertArrayEquals(bytesOf(0, 100, 200), r.body());
    }

    @Test
    void aRangeAcrossPiecesOfAFileStartingMidPiece() throws Exception {
        startAllVerified();
        // file 2 starts at torrent byte 5300; its bytes 800..1999 cross the pieces 5..7
        HttpResponse<byte[]> r = get(StreamServer.filePath(META, 2), "Range", "bytes=800-1999");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 800-1999/2000", header(r, "Content-Range"));
        assertArrayEquals(bytesOf(2, 800, 2000), r.body());
    }

    @Test
    void aSuffixRangeGivesTheLastBytes() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(mp4Path(), "Range", "bytes=-500");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 4500-4999/5000", header(r, "Content-Range"));
        assertArrayEquals(bytesOf(0, 4500, 5000), r.body());
    }

    @Test
    void anOpenRangeGoesToTheEnd() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(mp4Path(), "Range", "bytes=3000-");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 3000-4999/5000", header(r, "Content-Range"));
        assertEquals("2000", header(r, "Content-Length"));
        assertArrayEquals(bytesOf(0, 3000, 5000), r.body());
    }

    @Test
    void aRangeStartingAtTheEndIsNotSatisfiable() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(mp4Path(), "Range", "bytes=5000-");
        assertEquals(416, r.statusCode());
        assertEquals("bytes */5000", header(r, "Content-Range"));
    }

    @Test
    void aMalformedRangeIsRejected() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(mp4Path(), "Range", "bytes=abc");
        assertEquals(416, r.statusCode());
        assertEquals("bytes */5000", header(r, "Content-Range"));
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("malformed Range header"));
    }

    @Test
    void aRangeInAnotherUnitIsIgnored() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(mp4Path(), "Range", "items=0-5");
        assertEquals(200, r.statusCode());
        assertArrayEquals(bytesOf(0, 0, 5000), r.body());
    }

    @Test
    void severalRangesAreAnsweredWithTheWholeFile() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get(mp4Path(), "Range", "bytes=0-9,20-29");
        assertEquals(200, r.statusCode());
        assertEquals("5000", header(r, "Content-Length"));
        assertArrayEquals(bytesOf(0, 0, 5000), r.body());
    }

    @Test
    void headGivesTheHeadersWithoutABody() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = send("HEAD", mp4Path());
        assertEquals(200, r.statusCode());
        assertEquals("5000", header(r, "Content-Length"));
        assertEquals("bytes", header(r, "Accept-Ranges"));
        assertEquals(0, r.body().length);
        assertEquals(0, readers.size(), "a HEAD opens no reader");
    }

    @Test
    void otherMethodsAreNotAllowed() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = send("POST", mp4Path());
        assertEquals(405, r.statusCode());
        assertEquals("GET, HEAD", header(r, "Allow"));
    }

    @Test
    void unknownPathsAreNotFound() throws Exception {
        startAllVerified();
        assertEquals(404, get("/nothing-here").statusCode());
        assertEquals(404, get("/" + HASH + "/3/x.mp4").statusCode(), "no file 3");
        assertEquals(404, get("/" + HASH + "/one/x.mp4").statusCode());
        String otherHash = "f" + HASH.substring(1);
        assertEquals(404, get("/" + otherHash + "/0/Episode%201.mp4").statusCode(), "wrong info-hash");
    }

    @Test
    void theInfoHashInThePathIsCaseInsensitive() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get("/" + HASH.toUpperCase() + "/1/whatever.srt");
        assertEquals(200, r.statusCode());
        assertEquals("application/x-subrip", header(r, "Content-Type"));
        assertArrayEquals(bytesOf(1, 0, 300), r.body());
    }

    @Test
    void theIndexPageListsEveryFile() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get("/");
        assertEquals(200, r.statusCode());
        assertTrue(header(r, "Content-Type").startsWith("text/html"));
        String page = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(page.contains("<title>Show &amp; Tell - flux</title>"), page);
        for (FileEntry f : FILES) {
            assertTrue(page.contains(">" + f.path() + "</a>"), f.path() + " in " + page);
            assertTrue(page.contains("href=\"" + StreamServer.filePath(META, f.index()) + "\""), page);
        }
        assertTrue(page.contains("/playlist.m3u"), page);
    }

    @Test
    void thePlaylistHoldsThePlayableFilesAndItsUrlsServeThem() throws Exception {
        startAllVerified();
        HttpResponse<byte[]> r = get("/playlist.m3u");
        assertEquals(200, r.statusCode());
        List<String> lines = new String(r.body(), StandardCharsets.UTF_8).lines().toList();
        assertEquals("#EXTM3U", lines.get(0));
        List<String> urls = lines.stream().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        // the video and the audio, in torrent order; not the subtitles
        assertEquals(List.of(server.fileUrl(0), server.fileUrl(2)), urls);
        assertTrue(lines.contains("#EXTINF:-1,Episode 1.mp4"), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> l.contains(".srt")), lines.toString());

        assertArrayEquals(bytesOf(0, 0, 5000), get(urls.get(0)).body());
        assertArrayEquals(bytesOf(2, 0, 2000), get(urls.get(1)).body());
    }

    @Test
    void theResponseWaitsForAPieceVerifiedLater() throws Exception {
        for (int p = 0; p < META.pieceCount(); p++) {
            if (p != 2) {
                verified.markVerified(p);
            }
        }
        server = StreamServer.start(library, "127.0.0.1", 0, false);
        CountDownLatch blockedOnPiece2 = new CountDownLatch(1);
        readers.onMove(() -> {
            if (readers.positions().stream().anyMatch(pos -> pos.piece() == 2)) {
                blockedOnPiece2.countDown();
            }
        });

        CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(
                HttpRequest.newBuilder(URI.create(server.fileUrl(0))).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(blockedOnPiece2.await(5, TimeUnit.SECONDS), "the reader never reached piece 2");
        assertFalse(response.isDone(), "the response cannot be complete without piece 2");

        verified.markVerified(2);
        HttpResponse<byte[]> r = response.get(5, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertArrayEquals(bytesOf(0, 0, 5000), r.body());
    }

    @Test
    void aSoughtRangeMakesItsPieceWantedBeforeItsBytesCanComeAndItsReaderEndsWithTheResponse() throws Exception {
        server = StreamServer.start(library, "127.0.0.1", 0, false); // nothing verified
        CountDownLatch atPiece3 = readerAt(3);
        CountDownLatch noReader = noReaderLeft();
        try (Socket player = player()) {
            player.getOutputStream().write(rangeRequest(3100, 3199));
            assertTrue(atPiece3.await(5, TimeUnit.SECONDS), "the request never made piece 3 wanted");
            assertEquals(1, readers.size());
            verified.markVerified(3);
            assertArrayEquals(bytesOf(0, 3100, 3200), partialContent(player.getInputStream()));
            assertTrue(noReader.await(5, TimeUnit.SECONDS), "the reader outlived its response");
        }
    }

    @Test
    void aRangeThatWaitsForItsPieceIsAnsweredWithItsHeadersAtOnce() throws Exception {
        server = StreamServer.start(library, "127.0.0.1", 0, false); // nothing verified
        try (Socket player = player()) {
            player.getOutputStream().write(rangeRequest(3100, 3199));
            String head = responseHead(player.getInputStream()); // the socket times out after 10 s
            assertTrue(head.startsWith("HTTP/1.1 206 "), head);
            assertTrue(head.contains("Content-Range: bytes 3100-3199/"), head);
            verified.markVerified(3);
            assertArrayEquals(bytesOf(0, 3100, 3200), player.getInputStream().readNBytes(100));
        }
    }

    @Test
    void aPlayerThatHangsUpWhileItsRangeWaitsNoLongerSteersTheDownload() throws Exception {
        server = StreamServer.start(library, "127.0.0.1", 0, false); // nothing verified
        CountDownLatch atPiece3 = readerAt(3);
        CountDownLatch noReader = noReaderLeft();
        try (Socket player = player()) {
            player.getOutputStream().write(rangeRequest(3100, 3199));
            assertTrue(atPiece3.await(5, TimeUnit.SECONDS), "the request never made piece 3 wanted");
        } // the player seeks elsewhere: it drops the connection, and piece 3 never comes
        assertTrue(noReader.await(5, TimeUnit.SECONDS), "the abandoned range still holds its reader");
        assertTrue(readers.recentlyClosed().stream().anyMatch(pos -> pos.piece() == 3),
                "where the abandoned range was is not remembered");
    }

    @Test
    void aRequestSentWhileTheOneBeforeWaitsIsAnsweredAfterIt() throws Exception {
        server = StreamServer.start(library, "127.0.0.1", 0, false); // nothing verified
        CountDownLatch atPiece3 = readerAt(3);
        try (Socket player = player()) {
            player.getOutputStream().write(rangeRequest(3100, 3199));
            assertTrue(atPiece3.await(5, TimeUnit.SECONDS), "the request never made piece 3 wanted");
            player.getOutputStream().write(rangeRequest(0, 99)); // pipelined: read while the first waits
            for (int p = 0; p < META.pieceCount(); p++) {
                verified.markVerified(p);
            }
            assertArrayEquals(bytesOf(0, 3100, 3200), partialContent(player.getInputStream()));
            assertArrayEquals(bytesOf(0, 0, 100), partialContent(player.getInputStream()));
        }
    }

    /** Counts down when some reader waits on {@code piece}. */
    private CountDownLatch readerAt(int piece) {
        CountDownLatch at = new CountDownLatch(1);
        readers.onMove(() -> {
            if (readers.positions().stream().anyMatch(pos -> pos.piece() == piece)) {
                at.countDown();
            }
        });
        return at;
    }

    /** Counts down when the last reader closes. */
    private CountDownLatch noReaderLeft() {
        CountDownLatch none = new CountDownLatch(1);
        readers.onMove(() -> {
            if (readers.size() == 0) {
                none.countDown();
            }
        });
        return none;
    }

    private Socket player() throws IOException {
        Socket player = new Socket("127.0.0.1", server.port());
        player.setSoTimeout(10_000);
        return player;
    }

    private byte[] rangeRequest(long first, long last) {
        return ("GET " + mp4Path() + " HTTP/1.1\r\nHost: flux\r\nRange: bytes=" + first + "-" + last + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads one 206 response off a raw connection and returns its body. */
    private static byte[] partialContent(InputStream in) throws IOException {
        String head = responseHead(in);
        assertTrue(head.startsWith("HTTP/1.1 206 "), head);
        int length = head.lines().filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15))
                .map(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElseThrow();
        return in.readNBytes(length);
    }

    /** Reads a response's status line and headers off a raw connection. */
    private static String responseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertNotEquals(-1, c, "the connection ended in the headers: " + head);
            head.append((char) c);
        }
        return head.toString();
    }

    @Test
    void theStreamUrlRedirectsToTheSelectedFile() throws Exception {
        startAllVerified();
        String streamUrl = server.openStreamUrl(HASH.toUpperCase());
        assertEquals(server.baseUrl() + "/" + HASH, streamUrl);

        HttpResponse<byte[]> r = get(streamUrl);
        assertEquals(307, r.statusCode());
        assertEquals(server.fileUrl(0), header(r, "Location"));
        assertEquals(307, get(streamUrl + "/").statusCode());
        HttpResponse<byte[]> followed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(streamUrl)).header("Range", "bytes=100-199").build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, followed.statusCode());
        assertArrayEquals(bytesOf(0, 100, 200), followed.body());
    }

    @Test
    void aPlayerOnTheStreamUrlWaitsForTheMetadataWhileOtherPathsGet503() throws Exception {
        verifyAll();
        server = StreamServer.start("127.0.0.1", 0, false, null); // no metadata yet
        String streamUrl = server.openStreamUrl(HASH);
        HttpClient player = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        CompletableFuture<HttpResponse<byte[]>> waiting = player.sendAsync(
                HttpRequest.newBuilder(URI.create(streamUrl)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(503, get("/").statusCode());
        assertEquals(503, get("/" + HASH + "/0/x.mp4").statusCode());
        assertFalse(waiting.isDone(), "answered before the metadata");

        server.serve(library);
        HttpResponse<byte[]> r = waiting.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertArrayEquals(bytesOf(0, 0, 5000), r.body());
    }

    @Test
    void aLoginIsAskedOfEveryRequestAndThePlayersUrlCarriesIt() throws Exception {
        verifyAll();
        BasicAuth.Credentials login = BasicAuth.Credentials.parse("me:p@ss:wörd");
        assertEquals(new BasicAuth.Credentials("me", "p@ss:wörd"), login, "the password may hold colons");
        server = StreamServer.start("127.0.0.1", 0, false, login);
        server.serve(library);
        String url = server.fileUrl(0);

        HttpResponse<byte[]> none = get(url);
        assertEquals(401, none.statusCode());
        assertEquals("Basic realm=\"flux\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, get(url, "Authorization", basic("me:wrong")).statusCode());
        assertEquals(401, get(url, "Authorization", basic("you:p@ss:wörd")).statusCode());
        assertEquals(401, get("/status.json").statusCode(), "every path, not only the files");
        HttpResponse<byte[]> in = get(url, "Authorization", basic("me:p@ss:wörd"), "Range", "bytes=10-19");
        assertEquals(206, in.statusCode());
        assertArrayEquals(bytesOf(0, 10, 20), in.body());
        assertEquals(200, server.warmUp().get(10, TimeUnit.SECONDS), "the warm-up logs in too");

        String forPlayer = server.forPlayer(url);
        assertEquals(url.replace("http://", "http://me:p%40ss%3Aw%C3%B6rd@"), forPlayer);
        URI uri = URI.create(forPlayer);
        assertEquals("me:p@ss:wörd", uri.getUserInfo(), "a player decodes the same login");
        assertEquals(URI.create(url).getPath(), uri.getPath());

        // what a player follows from a URL it opened with the login keeps the login
        String playlist = new String(get("/playlist.m3u", "Authorization", basic("me:p@ss:wörd")).body(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(playlist.contains("\n" + forPlayer + "\n"), playlist);
        HttpResponse<byte[]> redirect = get(server.openStreamUrl(HASH), "Authorization", basic("me:p@ss:wörd"));
        assertEquals(307, redirect.statusCode());
        assertEquals(forPlayer, redirect.headers().firstValue("Location").orElse(""));
    }

    @Test
    void anOpenServerGivesThePlayerItsUrlAsItIs() throws Exception {
        startAllVerified();
        assertEquals(server.fileUrl(0), server.forPlayer(server.fileUrl(0)));
        assertEquals(null, BasicAuth.Credentials.parse("nopassword"));
        assertEquals(null, BasicAuth.Credentials.parse(":secret"));
        assertEquals(null, BasicAuth.Credentials.parse("me:"));
    }

    private static String basic(String pair) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void theWarmUpRequestGoesThroughTheRouterAndLeavesTheServerServing() throws Exception {
        try (StreamServer early = StreamServer.start("127.0.0.1", 0, false, null)) {
            assertEquals(503, early.warmUp().get(10, TimeUnit.SECONDS), "before serve: the metadata page");
            verifyAll();
            early.serve(library);
            assertEquals(200, early.warmUp().get(10, TimeUnit.SECONDS), "after serve: the index page");
            HttpResponse<byte[]> r = get(early.fileUrl(0), "Range", "bytes=10-19");
            assertEquals(206, r.statusCode());
            assertArrayEquals(bytesOf(0, 10, 20), r.body());
        }
    }

    @Test
    void aTakenPortFailsWithoutFallback() {
        startAllVerified();
        FluxException e = assertThrows(FluxException.class,
                () -> StreamServer.start(library, "127.0.0.1", server.port(), false).close());
        assertEquals(ExitCode.NETWORK, e.exitCode());
        assertTrue(e.getMessage().contains(Integer.toString(server.port())), e.getMessage());
    }

    @Test
    void aTakenPortFallsBackToAnotherWorkingPort() throws Exception {
        startAllVerified();
        try (StreamServer other = StreamServer.start(library, "127.0.0.1", server.port(), true)) {
            assertNotEquals(server.port(), other.port());
            assertTrue(other.port() > 0);
            HttpResponse<byte[]> r = get(other.fileUrl(0), "Range", "bytes=0-9");
            assertEquals(206, r.statusCode());
            assertArrayEquals(bytesOf(0, 0, 10), r.body());
        }
    }
}
