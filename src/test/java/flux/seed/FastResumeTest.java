package flux.seed;

import flux.engine.TorrentMeta;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FastResumeTest {
    // pieces of 100 bytes: a.mkv = bytes 0..249 (pieces 0-2), a.srt = 250..299 (piece 2), b.mkv = 300..599 (pieces 3-5)
    private static final TorrentMeta META = new TorrentMeta("show", "ab".repeat(20), 100, 600, 6, List.of(
            new TorrentMeta.FileEntry(0, "a.mkv", 250, 0), new TorrentMeta.FileEntry(1, "a.srt", 50, 250),
            new TorrentMeta.FileEntry(2, "b.mkv", 300, 300)), false, List.of(), false);
    private static final List<ResumeStore.FileStamp> THEN = List.of(new ResumeStore.FileStamp("a.mkv", 250, 1000),
            new ResumeStore.FileStamp("a.srt", 50, 1000), new ResumeStore.FileStamp("b.mkv", -1, -1));

    private static ResumeStore.Record record(BitSet verified) {
        return new ResumeStore.Record(META.infoHash(), null, null, "", THEN, verified, 6);
    }

    @Test
    void unchangedFilesKeepWhatWasKnownOfTheirPieces() {
        BitSet verified = bits(0, 1);
        assertEquals(bits(0, 1, 2, 3, 4, 5), FastResume.unchanged(META, record(verified), THEN));
        assertEquals(bits(0, 1), FastResume.trusted(META, record(verified), THEN));
    }

    @Test
    void aChangedFileLosesItsPiecesIncludingTheOneItShares() {
        List<ResumeStore.FileStamp> now = List.of(THEN.get(0), new ResumeStore.FileStamp("a.srt", 50, 2000), THEN.get(2));
        assertEquals(bits(0, 1, 3, 4, 5), FastResume.unchanged(META, record(bits(0, 1, 2)), now));
        assertEquals(bits(0, 1), FastResume.trusted(META, record(bits(0, 1, 2)), now));
    }

    @Test
    void aRecordOfAnotherShapeVouchesForNothing() {
        ResumeStore.Record other = new ResumeStore.Record(META.infoHash(), null, null, "", THEN, bits(0), 7);
        assertEquals(new BitSet(), FastResume.unchanged(META, other, THEN));
        assertEquals(new BitSet(), FastResume.unchanged(META, null, THEN));
        assertEquals(new BitSet(), FastResume.trusted(META, null, THEN));
    }

    @Test
    void piecesOfAMissingFileAreNeverSavedAsVerified() {
        // b.mkv is not where flux looks (size -1): whatever bt verified there cannot be vouched for later
        assertEquals(bits(0, 2), FastResume.onDisk(META, bits(0, 2, 3, 5), THEN));
    }

    private static BitSet bits(int... pieces) {
        BitSet b = new BitSet();
        for (int p : pieces) {
            b.set(p);
        }
        return b;
    }
}
