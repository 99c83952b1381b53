package flux.seed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchedFolderTest {
    @TempDir
    Path dir;

    @Test
    void anEntryIsTakenOnceItDidNotChangeBetweenTwoPolls() throws Exception {
        Path file = Files.write(dir.resolve("a.mkv"), new byte[10]);
        WatchedFolder folder = new WatchedFolder(dir);
        assertEquals(List.of(), folder.poll().added(), "first seen: it may still be copied");
        Files.write(file, new byte[10], StandardOpenOption.APPEND);
        assertEquals(List.of(), folder.poll().added(), "it grew");
        assertEquals(List.of(file), folder.poll().added());
        assertEquals(List.of(), folder.poll().added(), "taken once");
    }

    @Test
    void aDirectoryIsTakenOnceNothingInItChanges() throws Exception {
        Path season = Files.createDirectories(dir.resolve("Season 1"));
        Path episode = Files.write(season.resolve("e01.mkv"), new byte[5]);
        WatchedFolder folder = new WatchedFolder(dir);
        folder.poll();
        Files.write(episode, new byte[5], StandardOpenOption.APPEND);
        assertEquals(List.of(), folder.poll().added(), "a file in it grew");
        Files.write(season.resolve("e02.mkv"), new byte[0]);
        assertEquals(List.of(), folder.poll().added(), "a file was added to it");
        assertEquals(List.of(season), folder.poll().added());
    }

    @Test
    void hiddenAndPartialNamesAreSkipped() throws Exception {
        for (String name : List.of(".rsync-tmp.mkv.Xy12", "movie.mkv.part", "movie.mkv.crdownload", "x.TMP", "notes~")) {
            Files.write(dir.resolve(name), new byte[1]);
        }
        Path real = Files.write(dir.resolve("movie.mkv"), new byte[1]);
        WatchedFolder folder = new WatchedFolder(dir);
        folder.poll();
        assertEquals(List.of(real), folder.poll().added());
    }

    @Test
    void aTakenEntryThatGoesIsReportedOnce() throws Exception {
        Path file = Files.write(dir.resolve("a.mkv"), new byte[1]);
        Path copying = Files.write(dir.resolve("b.mkv"), new byte[1]);
        WatchedFolder folder = new WatchedFolder(dir);
        folder.poll();
        folder.poll();
        Files.write(dir.resolve("c.mkv"), new byte[1]);
        folder.poll(); // c is pending
        Files.delete(file);
        Files.delete(dir.resolve("c.mkv"));
        WatchedFolder.Changes changes = folder.poll();
        assertEquals(List.of(file), changes.removed(), "c was never taken: nothing to stop");
        assertEquals(List.of(), folder.poll().removed());
        assertTrue(Files.exists(copying));
    }

    @Test
    void aRefusedEntryIsTriedAgainOnlyOnceItChanged() throws Exception {
        Path torrent = Files.writeString(dir.resolve("broken.torrent"), "d4:info");
        WatchedFolder folder = new WatchedFolder(dir);
        folder.poll();
        assertEquals(List.of(torrent), folder.poll().added());
        folder.refuse(torrent);
        assertEquals(List.of(), folder.poll().added());
        assertEquals(List.of(), folder.poll().added(), "not again while it is as it was");
        Files.writeString(torrent, "d4:infod6:lengthi1eee");
        Files.setLastModifiedTime(torrent, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        folder.poll();
        assertEquals(List.of(torrent), folder.poll().added(), "fixed, it is taken again");
        Files.delete(torrent);
        assertEquals(List.of(torrent), folder.poll().removed());
    }

    @Test
    void aRefusedEntryThatGoesIsNotReported() throws Exception {
        Path torrent = Files.writeString(dir.resolve("broken.torrent"), "x");
        WatchedFolder folder = new WatchedFolder(dir);
        folder.poll();
        folder.poll();
        folder.refuse(torrent);
        Files.delete(torrent);
        assertEquals(List.of(), folder.poll().removed(), "it was never seeded");
        assertFalse(WatchedFolder.wanted(dir.resolve(".hidden")));
    }
}
