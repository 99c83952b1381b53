package flux.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The cache's scratch downloads (streams whose data is deleted at exit), and the ones a flux that
 * could not clean up left behind. A running stream holds a lock on {@code <dir>.lock} beside its
 * directory; the operating system drops the lock when the process ends, however it ends. A
 * {@code kill -9}, a crash or a power cut used to leave the directory (often gigabytes) in the
 * cache for good; each stream now deletes those whose lock no process holds. Kept downloads
 * (`--keep`, `--out`) have no lock file and are never touched.
 */
final class ScratchDirs {
    private static final Logger log = LoggerFactory.getLogger(ScratchDirs.class);
    private static final String LOCK = ".lock";
    /** A stale directory is renamed to this (plus a random tail) before it is deleted. */
    private static final String DELETING = ".deleting-";
    /** How long a claim retries a lock that another process holds for a moment (a sweep renaming the directory). */
    private static final int CLAIM_TRIES = 20;
    private static final long CLAIM_PAUSE_MILLIS = 50;
    /**
     * The lock files this process holds. A sweep must not even open one of them: the locks are
     * POSIX record locks, and closing any descriptor of a file drops all of the process's locks on
     * it (a stream's own sweep gave its lock away, and the next stream deleted its live download).
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private ScratchDirs() {
    }

    /** This process's hold on a scratch directory; closing it gives the directory up. */
    interface Claim extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Marks {@code dir} as in use by this process until the claim is closed. When another live
     * flux streams the same torrent into it, the claim holds nothing (the two share it, as before).
     */
    static Claim claim(Path dir) throws IOException {
        Path lockFile = lockFileOf(dir).toAbsolutePath().normalize();
        Files.createDirectories(lockFile.getParent());
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = null;
        try {
            for (int i = 0; i < CLAIM_TRIES && lock == null; i++) {
                lock = channel.tryLock();
                if (lock == null) {
                    Thread.sleep(CLAIM_PAUSE_MILLIS); // bounded: a sweep holds it only while it renames
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lock == null) {
            channel.close();
            log.debug("{} is held by another flux: sharing it", lockFile);
            return () -> { };
        }
        HELD.add(lockFile);
        return () -> {
            // while still holding it: no sweep can take the name meanwhile; kept when the directory
            // is not all gone (a deletion cut short at exit), so that a later sweep finishes it
            if (!Files.exists(dir)) {
                Files.deleteIfExists(lockFile);
            }
            channel.close();
            HELD.remove(lockFile);
        };
    }

    /** Deletes what dead streams left in {@code cacheRoot}: their directories, then their lock files. */
    static void sweep(Path cacheRoot) {
        List<Path> entries;
        try (Stream<Path> list = Files.list(cacheRoot)) {
            entries = list.toList();
        } catch (IOException e) {
            return; // no cache yet
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            try {
                if (name.endsWith(LOCK) && !HELD.contains(entry.toAbsolutePath().normalize())) {
                    reclaim(entry);
                } else if (name.contains(DELETING) && Files.isDirectory(entry)) {
                    DeleteTree.delete(entry); // a sweep that was cut short
                }
            } catch (IOException | RuntimeException e) {
                log.debug("could not clean {} up", entry, e);
            }
        }
    }

    /** A lock file nobody holds: its directory is renamed out of the way at once, then deleted. */
    private static void reclaim(Path lockFile) throws IOException {
        Path dir = dirOf(lockFile);
        Path doomed = null;
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            if (channel.tryLock() == null) {
                return; // a live stream
            }
            if (Files.exists(dir)) {
                doomed = dir.resolveSibling(dir.getFileName() + DELETING + UUID.randomUUID());
                Files.move(dir, doomed);
            }
            Files.delete(lockFile);
        }
        if (doomed != null) {
            log.info("deleted {}, the download of a stream that ended without cleaning up", dir);
            DeleteTree.delete(doomed);
        }
    }

    private static Path lockFileOf(Path dir) {
        return dir.resolveSibling(dir.getFileName() + LOCK);
    }

    private static Path dirOf(Path lockFile) {
        String name = lockFile.getFileName().toString();
        return lockFile.resolveSibling(name.substring(0, name.length() - LOCK.length()));
    }
}
