package flux.engine;

import bt.data.StorageUnit;
import bt.data.file.FileSystemStorage;
import bt.metainfo.Torrent;
import flux.seed.TorrentCreator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A stream's scratch data is written like any other, and never synced to disk. */
class ScratchStorageTest {
    @TempDir
    Path root;

    @Test
    void writesLandInTheFilesAndNothingIsSynced() throws IOException {
        Path source = Files.writeString(root.resolve("clip.mkv"), "0123456789");
        Torrent torrent = Metainfo.parser().fromByteArray(TorrentCreator.create(source, TorrentCreator.Options.defaults()).torrent());
        Path download = Files.createDirectories(root.resolve("download"));
        AtomicInteger syncs = new AtomicInteger();
        ScratchStorage scratch = new ScratchStorage(new FileSystemStorage(download) {
            @Override
            public void flush() {
                syncs.incrementAndGet();
                super.flush();
            }
        });

        try (StorageUnit unit = scratch.getUnit(torrent, torrent.getFiles().get(0))) {
            unit.writeBlock(ByteBuffer.wrap("written".getBytes(StandardCharsets.US_ASCII)), 2);
            scratch.flush(); // what bt does when the download completes
        }

        assertEquals("written", Files.readString(download.resolve("clip.mkv")).substring(2, 9));
        assertEquals(0, syncs.get(), "bt's sync at the end of the download reached the files");
    }
}
