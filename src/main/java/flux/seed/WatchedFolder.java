package flux.seed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory whose entries (files, directories, .torrent files) are seeded as they appear, and
 * no longer once they are gone: a headless box fed by scripts, rsync or a network share. It is
 * listed at each {@link #poll}, not watched with inotify, which sees nothing on NFS, CIFS and many
 * container volumes. An entry is taken once it did not change from one poll to the next (a copy
 * still running grows), and names that copying tools give files in progress are skipped.
 */
public final class WatchedFolder {
    /** What changed since the last poll: entries to seed now, and entries seeded that are gone. */
    public record Changes(List<Path> added, List<Path> removed) {
    }

    /** An entry's state: a file's size and time, or a directory's totals; null while it cannot be read whole. */
    private record Snapshot(long bytes, long newestModified, long files) {
    }

    private final Path dir;
    /** Entries not taken yet, as they were at the last poll. */
    private final Map<Path, Snapshot> pending = new HashMap<>();
    /** Entries taken: handed out by a poll. */
    private final Set<Path> taken = new HashSet<>();
    /** Taken entries the seed refused, as they were then: tried again once they change. */
    private final Map<Path, Snapshot> refused = new HashMap<>();

    public WatchedFolder(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** Lists the folder: the entries that became stable since the last poll, and the taken ones gone since. */
    public Changes poll() throws IOException {
        Set<Path> present = new HashSet<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(WatchedFolder::wanted).forEach(present::add);
        }
        List<Path> removed = new ArrayList<>();
        for (Path path : List.copyOf(taken)) {
            if (!present.contains(path)) {
                taken.remove(path);
                if (refused.remove(path) == null) {
                    removed.add(path);
                }
            }
        }
        refused.entrySet().removeIf(e -> {
            boolean changed = !Objects.equals(snapshot(e.getKey()), e.getValue());
            if (changed) {
                taken.remove(e.getKey()); // back to pending: taken again once it is stable
            }
            return changed;
        });
        pending.keySet().retainAll(present);
        List<Path> added = new ArrayList<>();
        for (Path path : present.stream().sorted().toList()) {
            if (taken.contains(path)) {
                continue;
            }
            Snapshot now = snapshot(path);
            Snapshot before = pending.put(path, now);
            if (now != null && now.equals(before)) {
                pending.remove(path);
                taken.add(path);
                added.add(path);
            }
        }
        return new Changes(added, removed);
    }

    /** The seed could not take this entry: it is tried again when it changes, not at every poll. */
    public void refuse(Path path) {
        if (taken.contains(path)) {
            refused.put(path, snapshot(path));
        }
    }

    /** Hidden files, and the names of files still being written by browsers, rsync, curl and the like. */
    static boolean wanted(Path path) {
        String name = path.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && !name.endsWith("~")
                && Stream.of(".part", ".partial", ".tmp", ".crdownload", ".!qb").noneMatch(lower::endsWith);
    }

    private static Snapshot snapshot(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isDirectory()) {
                return new Snapshot(attributes.size(), attributes.lastModifiedTime().toMillis(), 1);
            }
            long[] totals = new long[3];
            try (Stream<Path> tree = Files.walk(path)) {
                tree.forEach(p -> {
                    try {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                        totals[0] += a.isDirectory() ? 0 : a.size();
                        totals[1] = Math.max(totals[1], a.lastModifiedTime().toMillis());
                        totals[2]++;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            return new Snapshot(totals[0], totals[1], totals[2]);
        } catch (IOException | UncheckedIOException e) {
            return null; // gone, or changing under the walk: not stable
        }
    }
}
