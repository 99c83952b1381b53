package flux.stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class StreamingFileTest {
    // pieces of 16 bytes; the file is torrent bytes 8..107, so it starts mid-piece:
    // piece 0 holds file bytes 0..7, piece 1 bytes 8..23, ..., piece 6 bytes 96..99
    static final PieceLayout LAYOUT = new PieceLayout(16, 120, 8, 100);

    final byte[] content = new byte[100];
    VerifiedPieces verified;
    ReaderRegistry registry;
    StreamingFile file;
    ExecutorService executor;

    @BeforeEach
    void setUp() {
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 7 + 3);
        }
        verified = new VerifiedPieces(LAYOUT.pieceCount());
        registry = new ReaderRegistry();
        file = new StreamingFile("f.bin", LAYOUT, verified, registry, inMemory(content));
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() {
        // release any reader still waiting, then the thread
        for (int p = 0; p < LAYOUT.pieceCount(); p++) {
            verified.markVerified(p);
        }
        executor.shutdownNow();
    }

    static FileData inMemory(byte[] bytes) {
        return (dst, offset) -> {
            int n = (int) Math.min(dst.remaining(), bytes.length - offset);
            if (n <= 0) {
                return -1;
            }
            dst.put(bytes, (int) offset, n);
            return n;
        };
    }

    /** Reads once at {@code offset} on the executor's thread; returns the bytes read. */
    CompletableFuture<byte[]> readAsync(StreamingFile.Reader reader, long offset, int size) {
        return CompletableFuture.supplyAsync(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(size);
            try {
                int n = reader.read(buffer, offset);
                return n < 0 ? null : Arrays.copyOf(buffer.array(), n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
    }

    byte[] read(StreamingFile.Reader reader, long offset, int size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        int n = reader.read(buffer, offset);
        assertEquals(Math.max(n, 0), buffer.position(), "the buffer's position moves by the count returned");
        return n < 0 ? null : Arrays.copyOf(buffer.array(), n);
    }

    byte[] content(int from, int to) {
        return Arrays.copyOfRange(content, from, to);
    }

    @Test
    void aReadWaitsForItsPieceAndReturnsTheRightBytesOnceVerified() throws Exception {
        try (StreamingFile.Reader reader = file.open(30)) {
            verified.markVerified(1); // a neighbour piece: must not release the reader
            CompletableFuture<byte[]> pending = readAsync(reader, 30, 64); // file byte 30 is in piece 2
            // bounded wait: the read must still be blocked on piece 2
            assertThrows(TimeoutException.class, () -> pending.get(300, TimeUnit.MILLISECONDS));

            verified.markVerified(2); // from this (another) thread
            assertArrayEquals(content(30, 40), pending.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aReaderBlockedOnAMissingPieceIsListedAsWaitingUntilThePieceIsIn() throws Exception {
        verified.markVerified(1);
        try (StreamingFile.Reader reader = file.open(8)) {
            read(reader, 8, 4); // piece 1 is there: no wait
            assertTrue(registry.waits().isEmpty(), "a reader that got its bytes at once does not wait");

            long before = System.nanoTime();
            CompletableFuture<byte[]> pending = readAsync(reader, 30, 64); // piece 2, missing
            for (int i = 0; i < 100 && registry.waits().isEmpty(); i++) { // bounded: 100 x 20 ms
                Thread.sleep(20);
            }
            List<ReaderRegistry.Wait> waits = registry.waits();
            assertEquals(1, waits.size(), "the blocked reader");
            assertEquals(2, waits.get(0).piece());
            assertTrue(waits.get(0).sinceNanos() - before >= 0, "it began to wait after the read started");

            verified.markVerified(2);
            assertArrayEquals(content(30, 40), pending.get(5, TimeUnit.SECONDS));
            assertTrue(registry.waits().isEmpty(), "once the piece is in, the reader no longer waits");
        }
    }

    @Test
    void aReaderKeptWaitingOnAPieceItReadOnToIsHurried() throws Exception {
        verified.markVerified(1);
        try (StreamingFile.Reader reader = file.open(8)) {
            read(reader, 8, 64); // piece 1 to its end: the reader reads on to piece 2
            assertFalse(registry.positions().get(0).hurried());
            CompletableFuture<byte[]> pending = readAsync(reader, 24, 64); // piece 2, missing
            for (int i = 0; i < 100 && !registry.positions().get(0).hurried(); i++) { // bounded: 100 x 20 ms
                Thread.sleep(20);
            }
            assertEquals(new ReaderPosition(2, 6, false, true), registry.positions().get(0),
                    "waited " + ReaderRegistry.HURRY_AFTER_MILLIS + " ms on a piece it read on to");

            verified.markVerified(2);
            assertArrayEquals(content(24, 40), pending.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aReadNeverCrossesAPieceBoundary() throws IOException {
        markAll();
        try (StreamingFile.Reader reader = file.open(0)) {
            assertArrayEquals(content(0, 8), read(reader, 0, 64), "piece 0 holds only 8 bytes of the file");
            assertArrayEquals(content(8, 24), read(reader, 8, 64));
            assertArrayEquals(content(20, 24), read(reader, 20, 64));
            assertArrayEquals(content(9, 12), read(reader, 9, 3), "a small buffer limits the read");
            assertArrayEquals(content(96, 100), read(reader, 96, 64), "the last piece ends with the file");
            assertEquals(null, read(reader, 100, 64), "end of file");
        }
    }

    @Test
    void readingMovesTheReadersCursor() throws IOException {
        markAll();
        try (StreamingFile.Reader reader = file.open(50)) { // file byte 50 = torrent byte 58 = piece 3
            assertEquals(List.of(new ReaderPosition(3, 6, true)), registry.positions(), "opened there");

            read(reader, 60, 2); // piece 4 (file bytes 56..71), not to its end
            assertEquals(List.of(new ReaderPosition(4, 6, false)), registry.positions(), "read on");

            read(reader, 62, 64); // to the end of piece 4: the reader now needs piece 5
            assertEquals(List.of(new ReaderPosition(5, 6, false)), registry.positions(), "read on");

            read(reader, 10, 2); // a seek back into piece 1
            assertEquals(List.of(new ReaderPosition(1, 6, true)), registry.positions(), "sought");

            read(reader, 96, 64); // the end of the file does not move past the last piece
            assertEquals(List.of(new ReaderPosition(6, 6, true)), registry.positions(), "sought");
        }
        assertTrue(registry.positions().isEmpty(), "a closed reader leaves the registry");
    }

    @Test
    void readersAreListedMostRecentlyActiveFirst() throws IOException {
        markAll();
        try (StreamingFile.Reader a = file.open(0); StreamingFile.Reader b = file.open(90)) {
            read(a, 40, 2); // piece 3; a is now the most recent
            assertEquals(List.of(new ReaderPosition(3, 6, true), new ReaderPosition(6, 6, true)), registry.positions());
        }
    }

    @Test
    void closeUnblocksAWaitingReaderWithAnIOException() throws Exception {
        StreamingFile.Reader reader = file.open(0);
        CompletableFuture<byte[]> pending = readAsync(reader, 0, 16);
        assertThrows(TimeoutException.class, () -> pending.get(300, TimeUnit.MILLISECONDS));

        reader.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause().getCause(), e.toString());
        assertEquals(0, registry.size());
    }

    @Test
    void availableFromCountsVerifiedBytesContiguously() {
        assertEquals(0, file.availableFrom(0));
        verified.markVerified(0);
        verified.markVerified(1);
        verified.markVerified(2);
        verified.markVerified(4);
        assertEquals(40, file.availableFrom(0), "pieces 0-2 = file bytes 0..39");
        assertEquals(30, file.availableFrom(10));
        assertEquals(0, file.availableFrom(40), "piece 3 is missing");
        assertEquals(16, file.availableFrom(56), "piece 4 = file bytes 56..71, then piece 5 is missing");
        assertFalse(file.complete());

        markAll();
        assertEquals(100, file.availableFrom(0));
        assertEquals(1, file.availableFrom(99));
        assertEquals(0, file.availableFrom(100));
        assertTrue(file.complete());
    }

    @Test
    void completeDependsOnlyOnThisFilesPieces() {
        // a torrent with another file after this one: piece 7 is not this file's
        PieceLayout layout = new PieceLayout(16, 200, 8, 100);
        VerifiedPieces v = new VerifiedPieces(layout.pieceCount());
        StreamingFile f = new StreamingFile("g", layout, v, new ReaderRegistry(), inMemory(content));
        for (int p = 0; p <= 6; p++) {
            assertFalse(f.complete());
            v.markVerified(p);
        }
        assertTrue(f.complete());
        assertEquals(100, f.length());
    }

    private void markAll() {
        for (int p = LAYOUT.firstPiece(); p <= LAYOUT.lastPiece(); p++) {
            verified.markVerified(p);
        }
    }
}
