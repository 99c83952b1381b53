package flux.http;

import flux.stream.StreamingFile;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.ByteRange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Serves one file with GET/HEAD and single byte ranges; bytes of unverified pieces are never
 * sent. The request is read and its reader opened on the I/O thread, so the download turns to a
 * sought range at once; only the copy, which blocks until the pieces under it are verified, runs
 * on a worker thread.
 */
final class FileHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(FileHandler.class);
    private static final int CHUNK = 64 * 1024;
    /**
     * One direct buffer per worker thread (at most 32): a new one per request is freed only when a
     * collection finds it, and a player's many small ranges could pile up to the JVM's direct
     * memory limit (the heap cap, 128 MiB) between collections.
     */
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

    private static final HttpString DLNA_ASKS_FEATURES = new HttpString("getcontentFeatures.dlna.org");
    private static final HttpString DLNA_FEATURES = new HttpString("contentFeatures.dlna.org");
    private static final HttpString DLNA_TRANSFER_MODE = new HttpString("transferMode.dlna.org");

    private final MediaLibrary library;
    private final int index;

    FileHandler(MediaLibrary library, int index) {
        this.library = library;
        this.index = index;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
        if (!head && !exchange.getRequestMethod().equals(Methods.GET)) {
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            exchange.endExchange();
            return;
        }
        StreamingFile file = library.file(index);
        long length = file.length();
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.ACCEPT_RANGES, "bytes");
        headers.put(Headers.CONTENT_TYPE, MediaTypes.of(file.name()));
        if (exchange.getRequestHeaders().contains(DLNA_ASKS_FEATURES)) {
            // a DLNA TV asks how it may read the file, and some play nothing without the answer
            headers.put(DLNA_FEATURES, MediaTypes.DLNA_CONTENT_FEATURES);
            headers.put(DLNA_TRANSFER_MODE, "Streaming");
        }

        long start = 0;
        long end = length - 1;
        String rangeHeader = exchange.getRequestHeaders().getFirst(Headers.RANGE);
        // RFC 9110: a Range in a unit other than bytes is ignored, and so (our choice, allowed) are
        // multi-range requests: players never send them, and the whole file answers them correctly
        boolean byteRanges = rangeHeader != null && rangeHeader.regionMatches(true, 0, "bytes=", 0, 6);
        if (byteRanges && rangeHeader.indexOf(',') < 0) {
            ByteRange range = ByteRange.parse(rangeHeader);
            if (range == null) {
                reject(exchange, length, "malformed Range header: " + rangeHeader);
                return;
            }
            ByteRange.RangeResponseResult result = range.getResponseResult(length, null, null, null);
            if (result != null && result.getStatusCode() == StatusCodes.REQUEST_RANGE_NOT_SATISFIABLE) {
                reject(exchange, length, "range not satisfiable for a file of " + length + " bytes: " + rangeHeader);
                return;
            }
            if (result != null) {
                start = result.getStart();
                end = result.getEnd();
                exchange.setStatusCode(StatusCodes.PARTIAL_CONTENT);
                headers.put(Headers.CONTENT_RANGE, result.getContentRange());
            }
        }
        headers.put(Headers.CONTENT_LENGTH, Long.toString(end - start + 1));
        log.debug("{} {} bytes {}-{} of {}", exchange.getRequestMethod(), file.name(), start, end, length);
        if (head || length == 0) {
            exchange.endExchange();
            return;
        }
        // Opened here rather than on the worker thread: under a full-speed download the hand-over
        // to a worker took 1-4 ms, and the sought piece's requests waited for it. It ends with the
        // copy, or as soon as the player hangs up (HangUpWatch).
        StreamingFile.Reader reader = file.open(start, end);
        HangUpWatch hangUp = HangUpWatch.start(exchange, reader);
        long first = start;
        long last = end;
        try {
            exchange.dispatch(() -> send(exchange, file, reader, hangUp, first, last));
        } catch (RuntimeException e) {
            hangUp.stop();
            reader.close();
            throw e;
        }
    }

    /**
     * Copies the range through one direct buffer: the file is read straight into it and the socket
     * written from it, where Undertow's blocking stream copied every byte twice more (out of a
     * heap buffer, then through its 16 KiB buffers) and wrote each 64 KiB in four rounds.
     */
    private static void send(HttpServerExchange exchange, StreamingFile file, StreamingFile.Reader reader,
                             HangUpWatch hangUp, long start, long end) {
        ByteBuffer buffer = BUFFERS.get();
        StreamSinkChannel out = exchange.getResponseChannel();
        try (reader) {
            if (!file.hasByteAt(start)) {
                // the status and headers now, not with the first bytes: a player that seeks opens
                // this range before it drops the one it left, and drops that only once this one
                // answers (mpv, ffmpeg); until then both readers shared the peers (HangUpWatch)
                Channels.flushBlocking(out);
            }
            long pos = start;
            while (pos <= end) {
                buffer.clear();
                buffer.limit((int) Math.min(CHUNK, end - pos + 1));
                int n = reader.read(buffer, pos);
                if (n < 0) {
                    break;
                }
                buffer.flip();
                Channels.writeBlocking(out, buffer);
                pos += n;
            }
            hangUp.stop(); // the player's next request on this connection is Undertow's to read
            out.shutdownWrites();
            Channels.flushBlocking(out);
            exchange.endExchange();
        } catch (IOException e) {
            // the player closed the connection (a seek, or it quit): nothing to report
            log.debug("response for {} ended: {}", file.name(), e.toString());
            IoUtils.safeClose(exchange.getConnection());
        }
    }

    private static void reject(HttpServerExchange exchange, long length, String message) {
        exchange.setStatusCode(StatusCodes.REQUEST_RANGE_NOT_SATISFIABLE);
        exchange.getResponseHeaders().put(Headers.CONTENT_RANGE, "bytes */" + length);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(message + "\n");
    }
}
