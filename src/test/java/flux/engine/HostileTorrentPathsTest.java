package flux.engine;

import bt.bencoding.model.BEObject;
import bt.bencoding.types.BEInteger;
import bt.bencoding.types.BEList;
import bt.bencoding.types.BEMap;
import bt.bencoding.types.BEString;
import bt.data.StorageUnit;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import flux.FluxException;
import flux.seed.DataPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File names from a torrent never leave the download directory, whatever the torrent says. */
class HostileTorrentPathsTest {
    private static final List<List<String>> HOSTILE = List.of(
            List.of("..", "..", "escaped-by-dots.txt"),
            List.of("../../escaped-in-one-element.txt"),
            List.of("/tmp", "absolute.txt"),
            List.of("sub", "..", "..", "..", "climbed.txt"),
            List.of(".", "plain.txt"));

    @TempDir
    Path root;

    @Test
    void aStreamWritesEveryFileInsideItsDirectory() throws IOException {
        Path download = Files.createDirectories(root.resolve("a/b/download"));
        Torrent torrent = Metainfo.parser().fromByteArray(torrent(".."));
        var storage = Engine.storage(download);
        for (TorrentFile file : torrent.getFiles()) {
            try (StorageUnit unit = storage.getUnit(torrent, file)) {
                unit.writeBlock(ByteBuffer.wrap("data".getBytes(StandardCharsets.US_ASCII)), 0);
            }
        }
        List<Path> written;
        try (Stream<Path> all = Files.walk(root)) {
            written = all.filter(Files::isRegularFile).toList();
        }
        assertEquals(HOSTILE.size(), written.size(), "files written: " + written);
        for (Path p : written) {
            assertTrue(p.startsWith(download), p + " is outside " + download);
        }
    }

    @Test
    void seedingRefusesAFileOutsideTheDataDirectory() {
        TorrentMeta meta = Metainfo.read(new TorrentInput.TorrentBytes(torrent("show"), "hostile"));
        Path data = root.resolve("data");
        List<TorrentMeta.FileEntry> files = meta.files();
        assertEquals(HOSTILE.size(), files.size());
        for (TorrentMeta.FileEntry escaping : files.subList(0, 4)) {
            FluxException e = assertThrows(FluxException.class, () -> DataPaths.resolve(meta, data, escaping),
                    escaping.path());
            assertTrue(e.getMessage().startsWith("the torrent names a file outside its directory"), e.getMessage());
        }
        assertEquals(data.resolve("show/plain.txt"), DataPaths.resolve(meta, data, files.get(4)));
    }

    /** A multi-file torrent named {@code name} with the {@link #HOSTILE} paths, 4 bytes each. */
    private static byte[] torrent(String name) {
        Map<String, BEObject<?>> info = new LinkedHashMap<>();
        info.put("files", new BEList(HOSTILE.stream().map(path -> {
            Map<String, BEObject<?>> file = new LinkedHashMap<>();
            file.put("length", new BEInteger(4));
            file.put("path", new BEList(path.stream().map(BEString::new).toList()));
            return (BEObject<?>) new BEMap(file);
        }).toList()));
        info.put("name", new BEString(name));
        info.put("piece length", new BEInteger(16384));
        info.put("pieces", new BEString(new byte[20]));
        Map<String, BEObject<?>> torrent = new LinkedHashMap<>();
        torrent.put("info", new BEMap(info));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new BEMap(torrent).writeTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
