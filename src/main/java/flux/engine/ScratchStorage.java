package flux.engine;

import bt.data.Storage;
import bt.data.StorageUnit;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;

/**
 * The files of a stream whose data is deleted at exit. bt syncs a torrent's files to disk when
 * its download completes (a {@code FileChannel.force} of every file); for data that lives only
 * until the player is done, that wrote the whole film out at once for nothing, beside the
 * player's reads, and a Ctrl-C in the middle of it logged bt's "Could not flush file to disk".
 * Kept data (`--keep`, `--out`, seeding) keeps bt's sync.
 */
final class ScratchStorage implements Storage {
    private final Storage files;

    ScratchStorage(Storage files) {
        this.files = files;
    }

    @Override
    public StorageUnit getUnit(Torrent torrent, TorrentFile torrentFile) {
        return files.getUnit(torrent, torrentFile);
    }

    /** Nothing here has to outlive the process: the page cache serves the reads. */
    @Override
    public void flush() {
    }
}
