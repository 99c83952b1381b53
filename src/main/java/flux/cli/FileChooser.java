package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.TorrentMeta;
import flux.http.MediaTypes;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Comparator;
import java.util.List;

/** Picks the file to play: `--select INDEX|GLOB`, else the largest video, else the largest file. */
public final class FileChooser {
    private FileChooser() {
    }

    public static TorrentMeta.FileEntry choose(TorrentMeta meta, String select) {
        List<TorrentMeta.FileEntry> files = meta.files();
        if (select == null || select.isBlank()) {
            return files.stream().filter(f -> MediaTypes.isVideo(f.fileName()))
                    .max(Comparator.comparingLong(TorrentMeta.FileEntry::size))
                    .orElseGet(() -> files.stream().max(Comparator.comparingLong(TorrentMeta.FileEntry::size)).orElseThrow());
        }
        if (select.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long index = select.length() > 9 ? Long.MAX_VALUE : Long.parseLong(select);
            if (index >= files.size()) {
                throw new FluxException(ExitCode.BAD_INPUT, "no file with index " + select + " (the torrent has "
                        + files.size() + " file" + (files.size() == 1 ? "" : "s") + ")", "see them with --list");
            }
            return files.get((int) index);
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + select);
        return files.stream()
                .filter(f -> glob.matches(Path.of(f.fileName())) || glob.matches(Path.of(f.path())))
                .max(Comparator.comparingLong(TorrentMeta.FileEntry::size))
                .orElseThrow(() -> new FluxException(ExitCode.BAD_INPUT, "no file matches '" + select + "'",
                        "see the files with --list"));
    }
}
