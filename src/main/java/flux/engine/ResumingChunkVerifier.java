package flux.engine;

import bt.data.ChunkDescriptor;
import bt.data.ChunkVerifier;
import bt.data.LocalBitfield;

import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Fast resume for bt, which re-hashes all data of every torrent at every start. Before a torrent
 * starts, flux tells this verifier which pieces it knows about (the files under them are as the
 * resume state saw them) and which of those it trusts (verified then); known pieces are marked
 * verified or left missing without reading them, the others are hashed as usual. bt does not say
 * which torrent a verification is for, so torrents are recognised by the hash of their first
 * piece and their piece count.
 */
final class ResumingChunkVerifier implements ChunkVerifier {
    private final ChunkVerifier delegate;
    private final Map<String, Expected> expected = new ConcurrentHashMap<>();

    private record Expected(BitSet trusted, BitSet known, BiConsumer<BitSet, Integer> onChecked) {
    }

    ResumingChunkVerifier(ChunkVerifier delegate) {
        this.delegate = delegate;
    }

    /**
     * Registers a torrent about to start; {@code onChecked} gets its verified pieces after the
     * check, and how many pieces were read and hashed for it.
     */
    void expect(byte[] firstPieceHash, int pieceCount, BitSet trusted, BitSet known, BiConsumer<BitSet, Integer> onChecked) {
        BitSet knownOrTrusted = (BitSet) known.clone();
        knownOrTrusted.or(trusted);
        expected.put(key(firstPieceHash, pieceCount), new Expected((BitSet) trusted.clone(), knownOrTrusted, onChecked));
    }

    @Override
    public boolean verify(List<ChunkDescriptor> chunks, LocalBitfield bitfield) {
        Expected e = chunks.isEmpty() ? null : expected.remove(key(chunks.get(0).getChecksum(), chunks.size()));
        if (e == null) {
            return delegate.verify(chunks, bitfield);
        }
        BitSet verified = new BitSet(chunks.size());
        int hashed = 0;
        for (int i = 0; i < chunks.size(); i++) {
            boolean good;
            if (e.known().get(i)) {
                good = e.trusted().get(i);
            } else if (allDataPresent(chunks.get(i))) {
                hashed++;
                good = delegate.verifyIfPresent(chunks.get(i));
            } else {
                good = false;
            }
            if (good) {
                bitfield.markLocalPieceVerified(i);
                verified.set(i);
            }
        }
        e.onChecked().accept(verified, hashed);
        return bitfield.getPiecesRemaining() == 0;
    }

    /**
     * False when a file under the piece is shorter than the piece needs: nothing to hash. A new
     * download has only such pieces; checking them one by one cost ~90 ms before the first request
     * of a 583-piece torrent.
     */
    private static boolean allDataPresent(ChunkDescriptor chunk) {
        boolean[] present = {true};
        chunk.getData().visitUnits((unit, offset, limit) -> {
            if (unit.size() < limit) {
                present[0] = false;
                return false;
            }
            return true;
        });
        return present[0];
    }

    @Override
    public boolean verify(ChunkDescriptor chunk) {
        return delegate.verify(chunk);
    }

    @Override
    public boolean verifyIfPresent(ChunkDescriptor chunk) {
        return delegate.verifyIfPresent(chunk);
    }

    private static String key(byte[] firstPieceHash, int pieceCount) {
        return HexFormat.of().formatHex(firstPieceHash) + ":" + pieceCount;
    }
}
