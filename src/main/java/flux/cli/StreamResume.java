package flux.cli;

import flux.engine.TorrentMeta;
import flux.engine.TorrentSession;
import flux.seed.FastResume;
import flux.seed.ResumeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Fast resume for a stream whose data is kept (`--keep`, `--out`). bt hashes every piece whose
 * data is present at start, holes included (the file has its full size once its tail came), so
 * going back to a half-watched 4 GiB download hashed 4 GiB before the first request. When such a
 * stream ends, its verified pieces and the size and time of each file are saved in
 * {@code $XDG_DATA_HOME/flux/streams}; a stream into the same directory later takes the pieces of
 * unchanged files as they were, verified or missing, without reading them, and hashes the rest.
 */
final class StreamResume {
    private static final Logger log = LoggerFactory.getLogger(StreamResume.class);

    private final ResumeStore store;
    private final Path directory;
    /** The record saved for this torrent in this directory, looked up before the metadata comes. */
    private final Optional<ResumeStore.Record> saved;
    private volatile TorrentSession session;

    /** @param infoHash the torrent's, when known before its metadata (not for a URL) */
    StreamResume(Path directory, Optional<String> infoHash) {
        this(new ResumeStore(Directories.data().resolve("streams")), directory, infoHash);
    }

    StreamResume(ResumeStore store, Path directory, Optional<String> infoHash) {
        this.store = store;
        this.directory = directory.toAbsolutePath().normalize();
        // a record whose directory was deleted since vouches for nothing and keeps nothing
        this.saved = infoHash.filter(h -> Files.isDirectory(this.directory)).flatMap(store::load)
                .filter(r -> this.directory.equals(r.dataRoot()));
    }

    /** True when a stream that kept its data saved it here: the data is the user's, not a cache to delete. */
    boolean keptBefore() {
        return saved.isPresent();
    }

    /**
     * In the metadata callback, before bt checks the data: the session to save at the end, and
     * what the saved record vouches for.
     */
    void applyTo(TorrentSession s) {
        session = s;
        if (saved.isEmpty()) {
            return; // a new download: nothing to look at on the way to the first request
        }
        TorrentMeta meta = s.meta();
        Optional<List<ResumeStore.FileStamp>> now = stamps(meta);
        if (now.isEmpty()) {
            return;
        }
        s.trust(FastResume.trusted(meta, saved.get(), now.get()), FastResume.unchanged(meta, saved.get(), now.get()));
        s.initiallyVerified().thenAccept(verified -> log.info("resumed the download in {}: {} of {} pieces verified, {} read to check them",
                directory, verified.cardinality(), meta.pieceCount(), s.piecesHashedAtStart()));
    }

    /** After bt closed the torrent: its verified pieces and the files as they are now, for the next stream. */
    void save() {
        TorrentSession s = session;
        if (s == null || s.verified() == null) {
            return;
        }
        TorrentMeta meta = s.meta();
        stamps(meta).ifPresent(now -> {
            BitSet verified = FastResume.onDisk(meta, s.verified().snapshot(), now);
            try {
                store.save(new ResumeStore.Record(meta.infoHash(), null, directory, "", now, verified,
                        meta.pieceCount()), null);
                log.debug("saved the resume state: {} of {} pieces verified", verified.cardinality(), meta.pieceCount());
            } catch (RuntimeException e) {
                log.warn("cannot save the resume state ({}): the next stream checks the data again", e.getMessage());
            }
        });
    }

    /** The files' stamps, if flux knows where bt put every one (a hostile name bt renamed: no resume). */
    private Optional<List<ResumeStore.FileStamp>> stamps(TorrentMeta meta) {
        try {
            return Optional.of(FastResume.stamps(meta, directory));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
