package flux.cli;

import flux.engine.TorrentMeta;
import flux.http.MediaTypes;

import java.util.List;
import java.util.Locale;

/**
 * Subtitle files inside the torrent that belong to the video being played: those whose name
 * starts with the video's base name (Movie.en.srt for Movie.mkv), or every subtitle file when the
 * torrent holds a single video.
 */
final class Subtitles {
    private Subtitles() {
    }

    static List<TorrentMeta.FileEntry> forVideo(TorrentMeta meta, TorrentMeta.FileEntry video) {
        List<TorrentMeta.FileEntry> subtitles = meta.files().stream().filter(f -> MediaTypes.isSubtitle(f.fileName())).toList();
        long videos = meta.files().stream().filter(f -> MediaTypes.isVideo(f.fileName())).count();
        if (videos <= 1) {
            return subtitles;
        }
        String base = baseName(video.fileName());
        return subtitles.stream().filter(s -> s.fileName().toLowerCase(Locale.ROOT).startsWith(base)).toList();
    }

    private static String baseName(String name) {
        int dot = name.lastIndexOf('.');
        return (dot < 0 ? name : name.substring(0, dot)).toLowerCase(Locale.ROOT);
    }
}
