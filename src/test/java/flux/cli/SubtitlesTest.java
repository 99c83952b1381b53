package flux.cli;

import flux.engine.TorrentMeta;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class SubtitlesTest {
    private static TorrentMeta meta(String... paths) {
        List<TorrentMeta.FileEntry> files = new ArrayList<>();
        for (int i = 0; i < paths.length; i++) {
            files.add(new TorrentMeta.FileEntry(i, paths[i], 100, i * 100L));
        }
        return new TorrentMeta("t", "00".repeat(20), 64, paths.length * 100L, (int) ((paths.length * 100L + 63) / 64),
                files, false, List.of(), false);
    }

    private static List<String> subtitles(TorrentMeta meta, int video) {
        return Subtitles.forVideo(meta, meta.files().get(video)).stream().map(TorrentMeta.FileEntry::path).toList();
    }

    @Test
    void aSingleVideoGetsEverySubtitle() {
        TorrentMeta m = meta("Movie/movie.mkv", "Movie/Subs/English.srt", "Movie/Subs/French.ass", "Movie/readme.txt");
        assertEquals(List.of("Movie/Subs/English.srt", "Movie/Subs/French.ass"), subtitles(m, 0));
    }

    @Test
    void inASeasonPackOnlyTheEpisodesOwnSubtitles() {
        TorrentMeta m = meta("S01E01.mkv", "S01E01.en.srt", "S01E02.mkv", "S01E02.en.srt", "S01E02.de.vtt");
        assertEquals(List.of("S01E02.en.srt", "S01E02.de.vtt"), subtitles(m, 2));
        assertEquals(List.of("S01E01.en.srt"), subtitles(m, 0));
    }

    @Test
    void mpvGetsThemAsSubFilesAndVlcAsInputSlaves() {
        assertEquals(List.of("mpv", "--force-window=immediate", "--sub-file=http://h/1", "--sub-file=http://h/2", "http://h/0"),
                Players.command("mpv", "http://h/0", List.of("http://h/1", "http://h/2")));
        assertEquals(List.of("vlc", "--play-and-exit", "--input-slave=http://h/1#http://h/2", "http://h/0"),
                Players.command("vlc", "http://h/0", List.of("http://h/1", "http://h/2")));
        assertEquals(List.of("vlc", "--play-and-exit", "http://h/0"), Players.command("vlc", "http://h/0", List.of()));
        assertEquals(List.of("ffplay", "-autoexit", "http://h/0"), Players.command("ffplay", "http://h/0", List.of("http://h/1")));
    }
}
