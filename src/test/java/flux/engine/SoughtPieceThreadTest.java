package flux.engine;

import bt.data.ChunkDescriptor;
import bt.data.ChunkVerifier;
import bt.data.DataDescriptor;
import bt.data.DataDescriptorFactory;
import bt.data.DataReaderFactory;
import bt.data.DefaultChunkVerifier;
import bt.data.LocalBitfield;
import bt.data.digest.JavaSecurityDigester;
import bt.data.file.FileSystemStorage;
import bt.event.EventBus;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.net.buffer.BufferedData;
import bt.net.buffer.DelegatingByteBufferView;
import bt.torrent.AdhocTorrentRegistry;
import bt.torrent.data.BlockWrite;
import bt.torrent.data.NoCache;
import flux.seed.TorrentCreator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** flux's data worker on bt's own torrent data: 4 pieces of 2 blocks of 16 KiB. */
@Timeout(20)
class SoughtPieceThreadTest {
    private static final int BLOCK = 16 * 1024;
    private static final int PIECE = 2 * BLOCK;

    @TempDir
    Path root;

    /** The pieces bt's verifier hashed whole (read back), not as their blocks came. */
    private final List<Integer> hashedWhole = Collections.synchronizedList(new ArrayList<>());
    /** Holds the check of piece 0 until counted down. */
    private final CountDownLatch pieceZeroChecks = new CountDownLatch(1);
    private volatile boolean holdPieceZero;
    private byte[] content;
    private TorrentId id;
    private DataDescriptor data;
    private SoughtPieceThread worker;
    private volatile int waitedOn = -1;

    @BeforeEach
    void torrent() throws IOException {
        content = new byte[4 * PIECE];
        new Random(7).nextBytes(content);
        Path source = Files.write(root.resolve("clip.mkv"), content);
        TorrentCreator.Options defaults = TorrentCreator.Options.defaults();
        Torrent torrent = Metainfo.parser().fromByteArray(TorrentCreator.create(source, new TorrentCreator.Options(
                defaults.trackers(), defaults.webSeeds(), PIECE, false, null, null, "flux")).torrent());
        id = torrent.getTorrentId();
        ChunkVerifier sha1 = new DefaultChunkVerifier(new JavaSecurityDigester("SHA-1", BLOCK), 1);
        ChunkVerifier verifier = new ChunkVerifier() {
            @Override
            public boolean verify(List<ChunkDescriptor> chunks, LocalBitfield bitfield) {
                return sha1.verify(chunks, bitfield);
            }

            @Override
            public boolean verify(ChunkDescriptor chunk) {
                int piece = data.getChunkDescriptors().indexOf(chunk);
                hashedWhole.add(piece);
                if (piece == 0 && holdPieceZero) {
                    await(pieceZeroChecks);
                }
                return sha1.verify(chunk);
            }

            @Override
            public boolean verifyIfPresent(ChunkDescriptor chunk) {
                return sha1.verifyIfPresent(chunk);
            }
        };
        EventBus events = new EventBus();
        AdhocTorrentRegistry torrents = new AdhocTorrentRegistry(
                new DataDescriptorFactory(new DataReaderFactory(events), verifier, BLOCK), events);
        data = torrents.register(torrent, new FileSystemStorage(Files.createDirectories(root.resolve("download"))), null)
                .getDataDescriptor();
        worker = new SoughtPieceThread(torrents, verifier, new NoCache(torrents),
                (t, piece) -> t.equals(id) && piece == waitedOn, new InOrderHashes(Sha1::new), "test", 100); // a stream's SHA-1
    }

    @AfterEach
    void stop() throws IOException {
        pieceZeroChecks.countDown();
        worker.shutdownNow();
        data.close();
    }

    @Test
    void blocksAreWrittenAndEachPieceCheckedOnceAllOfItIsInAsBtDoes() throws Exception {
        assertTrue(write(0, 0, false).getVerificationFuture().isEmpty(), "half a piece: nothing to check yet");
        assertTrue(write(0, 1, false).getVerificationFuture().orElseThrow().get(5, TimeUnit.SECONDS));
        assertTrue(data.getBitfield().isVerified(0));
        assertTrue(write(0, 1, false).isRejected(), "a piece already in takes no more blocks");

        write(1, 0, true);
        assertFalse(write(1, 1, false).getVerificationFuture().orElseThrow().get(5, TimeUnit.SECONDS),
                "a corrupt block fails the piece's check");
        assertFalse(data.getBitfield().isVerified(1));
        assertTrue(data.getChunkDescriptors().get(1).isEmpty(), "and the piece is cleared, to be fetched again");
        assertEquals(List.of(0, 1), hashedWhole, "pieces no reader waits on are hashed whole, as bt does");

        byte[] read = new byte[BLOCK];
        worker.addBlockRequest(id, null, 0, BLOCK, BLOCK).get(5, TimeUnit.SECONDS).getReader().orElseThrow()
                .readTo(ByteBuffer.wrap(read));
        assertArrayEquals(Arrays.copyOfRange(content, BLOCK, PIECE), read, "a verified block reads back as written");
        assertTrue(worker.addBlockRequest(id, null, 1, 0, BLOCK).get(5, TimeUnit.SECONDS).isRejected(),
                "an unverified piece is not read for peers");
    }

    @Test
    void aSoughtPieceIsHashedAsItsBlocksComeInAnyOrder() throws Exception {
        waitedOn = 1;
        write(1, 1, false); // ahead of the block before it
        assertTrue(write(1, 0, false).getVerificationFuture().orElseThrow().get(5, TimeUnit.SECONDS));
        assertTrue(data.getBitfield().isVerified(1));

        waitedOn = 2;
        write(2, 0, true);
        assertFalse(write(2, 1, false).getVerificationFuture().orElseThrow().get(5, TimeUnit.SECONDS),
                "a corrupt block fails the piece's check");
        assertTrue(data.getChunkDescriptors().get(2).isEmpty(), "and the piece is cleared");
        assertEquals(List.of(), hashedWhole, "no sought piece was read back to be hashed");

        write(2, 0, true);
        write(2, 0, false); // the same block again, from another peer: what is on the disk counts
        assertTrue(write(2, 1, false).getVerificationFuture().orElseThrow().get(5, TimeUnit.SECONDS));
        assertEquals(List.of(2), hashedWhole, "a block written over one already hashed: hashed whole");

        waitedOn = 3;
        write(3, 0, false);
        write(3, 0, true);
        assertFalse(write(3, 1, false).getVerificationFuture().orElseThrow().get(5, TimeUnit.SECONDS),
                "the corrupt copy is what the piece holds");
    }

    @Test
    void aSoughtPieceIsWrittenAndCheckedWhileTheReadAheadWaits() throws Exception {
        holdPieceZero = true;
        write(0, 0, false);
        CompletableFuture<Boolean> readAheadCheck = write(0, 1, false).getVerificationFuture().orElseThrow();
        CompletableFuture<BlockWrite> queuedBehind = worker.addBlock(id, null, 1, 0, block(1, 0, false));
        CompletableFuture<BlockWrite> fetching = worker.addBlock(id, null, 2, 0, block(2, 0, false)); // a piece bt was fetching ...
        waitedOn = 2; // ... when a reader jumps to it: it stays where its first block went

        waitedOn = 3; // a player seeks to the last piece
        CompletableFuture<BlockWrite> first = worker.addBlock(id, null, 3, 0, block(3, 0, false));
        CompletableFuture<BlockWrite> last = worker.addBlock(id, null, 3, BLOCK, block(3, 1, false));
        assertTrue(last.get(5, TimeUnit.SECONDS).getVerificationFuture().orElseThrow().get(5, TimeUnit.SECONDS),
                "checked while the read-ahead's check still runs");
        assertTrue(first.get(5, TimeUnit.SECONDS).getVerificationFuture().isEmpty());
        assertTrue(data.getBitfield().isVerified(3));
        assertFalse(readAheadCheck.isDone() || queuedBehind.isDone(), "the read-ahead is still held up");

        pieceZeroChecks.countDown();
        assertTrue(readAheadCheck.get(5, TimeUnit.SECONDS));
        assertTrue(queuedBehind.get(5, TimeUnit.SECONDS).getVerificationFuture().isEmpty());
        assertTrue(fetching.get(5, TimeUnit.SECONDS).getVerificationFuture().isEmpty());
        waitedOn = 2;
        assertTrue(write(2, 1, false).getVerificationFuture().orElseThrow().get(5, TimeUnit.SECONDS));
        assertEquals(List.of(0, 2), hashedWhole, "piece 2 went on as a read-ahead piece, hashed whole");
    }

    private BlockWrite write(int piece, int block, boolean corrupt) throws Exception {
        return worker.addBlock(id, null, piece, block * BLOCK, block(piece, block, corrupt)).get(5, TimeUnit.SECONDS);
    }

    private BufferedData block(int piece, int block, boolean corrupt) {
        int from = piece * PIECE + block * BLOCK;
        byte[] bytes = Arrays.copyOfRange(content, from, from + BLOCK);
        if (corrupt) {
            bytes[0] ^= 1;
        }
        return new BufferedData(new DelegatingByteBufferView(ByteBuffer.wrap(bytes)));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
