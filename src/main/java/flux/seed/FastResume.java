package flux.seed;

import flux.engine.TorrentMeta;

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

    public static BitSet trusted(TorrentMeta meta, ResumeStore.Record record, List<ResumeStore.FileStamp> now) {
        BitSet trusted = new BitSet();
        if (record == null || record.pieceCount() != meta.pieceCount() || record.files().size() != now.size()) {
            return trusted;
        }
        trusted.or(record.verified());
        for (int i = 0; i < now.size(); i++) {
            if (!now.get(i).equals(record.files().get(i))) {
                TorrentMeta.FileEntry f = meta.files().get(i);
                if (f.size() == 0) {
                    continue;
                }
                int first = (int) (f.offset() / meta.pieceLength());
                int last = (int) ((f.offset() + f.size() - 1) / meta.pieceLength());
                trusted.clear(first, last + 1);
            }
        }
        return trusted;
    }
}
