package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.TorrentMeta;
import flux.engine.TorrentMeta.FileEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class FileChooserTest {
    static final long MB = 1 << 20;

    /** Files laid out one after the other, indexed in order. */
    static TorrentMeta meta(Object... pathsAndSizes) {
        List<FileEntry> files = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < pathsAndSizes.length; i += 2) {
            long size = (Long) pathsAndSizes[i + 1];
            files.add(new FileEntry(i / 2, (String) pathsAndSizes[i], size, offset));
            offset += size;
        }
        long pieceLength = 4 * MB;
        return new TorrentMeta("Movie", "00".repeat(20), pieceLength, offset,
                (int) ((offset + pieceLength - 1) / pieceLength), List.copyOf(files), files.size() == 1, List.of(), false);
    }

    static final TorrentMeta MOVIE = meta(
            "Movie/sample.mkv", 50 * MB,
            "Movie/movie.mp4", 700 * MB,
            "Movie/extras.iso", 4000 * MB,   // the largest file, but not a video
            "Movie/Subs/en.srt", 1 * MB);

    static String choose(TorrentMeta meta, String select) {
        return FileChooser.choose(meta, select).path();
    }

    static FluxException badInput(TorrentMeta meta, String select) {
        FluxException e = assertThrows(FluxException.class, () -> FileChooser.choose(meta, select));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode(), e.getMessage());
        return e;
    }

    @Test
    void largestVideoWinsOverALargerNonVideo() {
        assertEquals("Movie/movie.mp4", choose(MOVIE, null));
        assertEquals("Movie/movie.mp4", choose(MOVIE, "  "));
    }

    @Test
    void withoutAnyVideoTheLargestFileIsChosen() {
        TorrentMeta music = meta("Album/cover.jpg", 2 * MB, "Album/01.flac", 30 * MB, "Album/notes.txt", 1L);
        assertEquals("Album/01.flac", choose(music, null));
    }

    @Test
    void selectByIndex() {
        assertEquals("Movie/Subs/en.srt", choose(MOVIE, "3"));
        assertEquals("Movie/sample.mkv", choose(MOVIE, "0"));
        assertEquals(2, FileChooser.choose(MOVIE, "2").index());
    }

    @Test
    void selectByGlobOnTheFileName() {
        assertEquals("Movie/sample.mkv", choose(MOVIE, "*.mkv"));
        assertEquals("Movie/Subs/en.srt", choose(MOVIE, "en.*"));
    }

    @Test
    void selectByGlobOnThePath() {
        // "Movie/Subs/*" cannot match the bare name "en.srt", only the path
        assertEquals("Movie/Subs/en.srt", choose(MOVIE, "Movie/Subs/*"));
        assertEquals("Movie/sample.mkv", choose(MOVIE, "Movie/sam*"));
    }

    @Test
    void severalGlobMatchesGiveTheLargest() {
        assertEquals("Movie/movie.mp4", choose(MOVIE, "*.{mkv,mp4}"));
    }

    @Test
    void anIndexOutOfRangeIsBadInput() {
        FluxException e = badInput(MOVIE, "4");
        assertTrue(e.getMessage().contains("no file with index 4") && e.getMessage().contains("4 files"), e.getMessage());
    }

    @Test
    void aGlobMatchingNothingIsBadInput() {
        FluxException e = badInput(MOVIE, "*.avi");
        assertTrue(e.getMessage().contains("no file matches '*.avi'"), e.getMessage());
    }

    @Test
    void anIndexTooLargeForAnIntIsBadInputNotACrash() {
        FluxException e = badInput(MOVIE, "99999999999");
        assertTrue(e.getMessage().contains("no file with index 99999999999"), e.getMessage());
    }
}
