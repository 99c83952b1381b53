package flux.seed;

import flux.engine.TorrentMeta;

import java.nio.file.Path;

/**
 * Where a torrent's files live under a data directory, the way bt's file storage lays them out:
 * a single-file torrent is {@code root/<name>}, a multi-file one {@code root/<name>/<path>}.
 */
public final class DataPaths {
    private DataPaths() {
    }

    public static Path resolve(TorrentMeta meta, Path root, TorrentMeta.FileEntry file) {
        Path base = meta.singleFile() ? root : root.resolve(meta.name());
        Path p = base.resolve(file.path()).normalize();
        if (!p.startsWith(root.normalize())) {
            throw new flux.FluxException(flux.ExitCode.BAD_INPUT, "the torrent names a file outside its directory: " + file.path());
        }
        return p;
    }
}
