package flux.seed;

import flux.engine.TorrentMeta;
import flux.stream.PieceLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which pieces can be trusted without reading them: verified last time, and every file they
 * touch has the same size and modification time as then. A pure function of the record and
 * what is on disk now.
 */
public final class FastResume {
    private FastResume() {
    }

    /** Stamps of the torrent's files as they are on disk now (size -1 when missing). */
    public static List<ResumeStore.FileStamp> stamps(TorrentMeta meta, Path dataRoot) {
        List<ResumeStore.FileStamp> stamps = new ArrayList<>();
        for (TorrentMeta.FileEntry f : meta.files()) {
            Path p = DataPaths.resolve(meta, dataRoot, f);
            try {
                stamps.add(new ResumeStore.FileStamp(f.path(), Files.size(p), Files.getLastModifiedTime(p).toMillis()));
            } catch (IOException e) {
                stamps.add(new ResumeStore.FileStamp(f.path(), -1, -1));
            }
        }
        return stamps;
    }

    /** Pieces verified last time whose files are all unchanged: good without reading them. */
    public static BitSet trusted(TorrentMeta meta, ResumeStore.Record record, List<ResumeStore.FileStamp> now) {
        BitSet trusted = unchanged(meta, record, now);
        if (record != null) {
            trusted.and(record.verified());
        }
        return trusted;
    }

    /**
     * Pieces whose files all have the size and time the record saw: whether they are good is
     * known without reading them (the record's verified pieces are, the others are not).
     */
    public static BitSet unchanged(TorrentMeta meta, ResumeStore.Record record, List<ResumeStore.FileStamp> now) {
        BitSet unchanged = new BitSet();
        if (record == null || record.pieceCount() != meta.pieceCount() || record.files().size() != now.size()) {
            return unchanged;
        }
        unchanged.set(0, meta.pieceCount());
        for (int i = 0; i < now.size(); i++) {
            TorrentMeta.FileEntry f = meta.files().get(i);
            if (!now.get(i).equals(record.files().get(i)) && f.size() > 0) {
                clearPiecesOf(unchanged, meta.layout(f));
            }
        }
        return unchanged;
    }

    /** The verified pieces minus those of files missing now: nothing of them can be trusted later. */
    public static BitSet onDisk(TorrentMeta meta, BitSet verified, List<ResumeStore.FileStamp> now) {
        BitSet kept = (BitSet) verified.clone();
        for (int i = 0; i < now.size(); i++) {
            TorrentMeta.FileEntry f = meta.files().get(i);
            if (now.get(i).size() < 0 && f.size() > 0) {
                clearPiecesOf(kept, meta.layout(f));
            }
        }
        return kept;
    }

    /** Clears the pieces holding bytes of the file (for a non-empty file). */
    private static void clearPiecesOf(BitSet pieces, PieceLayout file) {
        pieces.clear(file.firstPiece(), file.lastPiece() + 1);
    }
}
