package flux.engine;

import bt.metainfo.Torrent;
import flux.seed.TorrentCreator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class WebSeedTest {
    @TempDir
    Path dir;

    @Test
    void aSingleFileIsTheUrlItselfOrUnderAFolderUrl() throws Exception {
        Torrent torrent = torrentOf(Files.write(dir.resolve("Big Buck.mp4"), new byte[100]));
        assertEquals(URI.create("http://s.example/videos/bbb.mp4"), url("http://s.example/videos/bbb.mp4", torrent, 0));
        assertEquals(URI.create("http://s.example/videos/Big%20Buck.mp4"), url("http://s.example/videos/", torrent, 0));
    }

    @Test
    void aMultiFileTorrentsFilesAreUnderItsNameEachSegmentEncoded() throws Exception {
        Path show = Files.createDirectories(dir.resolve("Show #1").resolve("extras"));
        Files.write(dir.resolve("Show #1").resolve("a.mkv"), new byte[100]);
        Files.write(show.resolve("ä?.srt"), new byte[10]);
        Torrent torrent = torrentOf(dir.resolve("Show #1"));
        assertEquals(URI.create("https://s.example/m/Show%20%231/a.mkv"), url("https://s.example/m", torrent, 0));
        assertEquals(URI.create("https://s.example/m/Show%20%231/extras/%C3%A4%3F.srt"), url("https://s.example/m/", torrent, 1));
    }

    @Test
    void onlyHttpAndHttpsUrlsAreUsed() {
        assertNotNull(WebSeed.of("HTTPS://s.example/a"));
        assertNull(WebSeed.of("ftp://s.example/a"));
        assertNull(WebSeed.of("http:///no-host"));
        assertNull(WebSeed.of("not a url"));
    }

    private static URI url(String base, Torrent torrent, int file) {
        return WebSeed.of(base).fileUrl(torrent, torrent.getFiles().get(file));
    }

    private static Torrent torrentOf(Path content) {
        byte[] bytes = TorrentCreator.create(content, TorrentCreator.Options.defaults()).torrent();
        return Metainfo.parse(new TorrentInput.TorrentBytes(bytes, "test"));
    }
}
