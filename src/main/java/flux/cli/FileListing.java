package flux.cli;

import flux.engine.TorrentMeta;
import flux.ui.Json;
import flux.ui.Sizes;

import java.io.PrintStream;
import java.util.List;

/** A torrent's files as `flux info` and `flux stream --list` show them: a table for people, JSON for scripts. */
final class FileListing {
    private FileListing() {
    }

    /** One line per file: its index (what --file takes), its size and its path in the torrent. */
    static void print(List<TorrentMeta.FileEntry> files, PrintStream out) {
        for (TorrentMeta.FileEntry f : files) {
            out.printf("%4d  %10s  %s%n", f.index(), Sizes.bytes(f.size()), f.path());
        }
    }

    static List<Json> json(List<TorrentMeta.FileEntry> files) {
        return files.stream().map(f -> Json.object().put("index", f.index()).put("path", f.path()).put("size", f.size())).toList();
    }
}
