package flux.engine;

import bt.data.DataRange;
import bt.data.DataRangeVisitor;
import bt.data.StorageUnit;
import bt.data.range.ByteRange;
import bt.net.buffer.ByteBufferView;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pieces read from storage (across files, in short reads) hash as the JDK's SHA-1 hashes their bytes, with either SHA-1 a stream uses. */
class PieceDigesterTest {
    private static final int STEP = 16 * 1024;
    private final byte[] first = bytes(100_000, 1);
    private final byte[] second = bytes(300_000, 2);
    /** A 256 KiB piece: the last 60,000 bytes of the first file, then the start of the second. */
    private final Piece piece = new Piece(List.of(new Unit(first), new Unit(second)), 40_000, 262_144 - 60_000);

    @Test
    void aPieceAcrossTwoFilesReadInShortReads() throws NoSuchAlgorithmException {
        byte[] expected = Sha1Test.jdk(concat(Arrays.copyOfRange(first, 40_000, 100_000), Arrays.copyOfRange(second, 0, 262_144 - 60_000)));

        for (PieceDigester digester : digesters()) {
            assertArrayEquals(expected, digester.digestForced(piece));
            assertArrayEquals(expected, digester.digest(piece));
            assertArrayEquals(expected, digester.createCopy().digestForced(piece), "a copy digests the same");
            assertEquals(20, digester.length());
        }
    }

    @Test
    void dataThatEndsEarlyIsHashedAsFarAsItGoesOrRefusedWhenForced() throws NoSuchAlgorithmException {
        Piece cut = new Piece(List.of(new Unit(first)), 40_000, 160_000); // asks 120,000 bytes of 60,000

        for (PieceDigester digester : digesters()) {
            assertArrayEquals(Sha1Test.jdk(Arrays.copyOfRange(first, 40_000, 100_000)), digester.digest(cut));
            assertThrows(IllegalStateException.class, () -> digester.digestForced(cut));
        }
    }

    @Test
    void aRangeInMemory() throws NoSuchAlgorithmException {
        for (PieceDigester digester : digesters()) {
            assertArrayEquals(Sha1Test.jdk(second), digester.digest(new ByteRange(second)));
        }
    }

    /** With flux's SHA-1, and with the native one where it loads (NativeSha1Test says where). */
    private static List<PieceDigester> digesters() {
        NativeSha1.load();
        return NativeSha1.newSum().isPresent()
                ? List.of(new PieceDigester(STEP, Sha1::new), new PieceDigester(STEP, () -> NativeSha1.newSum().orElseThrow()))
                : List.of(new PieceDigester(STEP, Sha1::new));
    }

    private static byte[] bytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A file in memory that hands out at most 5,000 bytes per read, as a slow disk might. */
    private record Unit(byte[] data) implements StorageUnit {
        @Override
        public int readBlock(ByteBuffer buffer, long offset) {
            if (offset >= data.length) {
                return -1;
            }
            int count = (int) Math.min(Math.min(buffer.remaining(), 5_000), data.length - offset);
            buffer.put(data, (int) offset, count);
            return count;
        }

        @Override
        public int writeBlock(ByteBuffer buffer, long offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int writeBlock(ByteBufferView buffer, long offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long capacity() {
            return data.length;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public void close() {
        }
    }

    /** A piece from its first unit's offset to its last unit's limit, visited as bt visits one. */
    private record Piece(List<Unit> units, long offset, long limitInLast) implements DataRange {
        @Override
        public void visitUnits(DataRangeVisitor visitor) {
            for (int i = 0; i < units.size(); i++) {
                long from = i == 0 ? offset : 0;
                long to = i == units.size() - 1 ? limitInLast : units.get(i).capacity();
                if (!visitor.visitUnit(units.get(i), from, to)) {
                    return;
                }
            }
        }

        @Override
        public long length() {
            throw new UnsupportedOperationException();
        }

        @Override
        public DataRange getSubrange(long offset, long length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DataRange getSubrange(long offset) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] getBytes() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean getBytes(ByteBuffer buffer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putBytes(byte[] block) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putBytes(ByteBufferView buffer) {
            throw new UnsupportedOperationException();
        }
    }
}
