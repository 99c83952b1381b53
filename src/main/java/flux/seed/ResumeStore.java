package flux.seed;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What flux remembers between runs about the torrents it seeds, one pair of files per torrent in
 * the state directory: {@code <infohash>.torrent} and {@code <infohash>.resume} (a properties file:
 * the data path, the size and modification time of each file, and the pieces verified). A restart
 * trusts the pieces of unchanged files and re-checks only the rest.
 */
public final class ResumeStore {
    private final Path dir;

    /** One torrent's resume record. */
    public record Record(String infoHash, Path source, Path dataRoot, String optionsKey,
                         List<FileStamp> files, BitSet verified, int pieceCount) {
    }

    /** A file's identity for fast resume: same size and modification time means unchanged. */
    public record FileStamp(String path, long size, long modifiedMillis) {
    }

    public ResumeStore(Path dir) {
        this.dir = dir;
    }

    /** Creates the directory, failing with one clear line when it cannot be written. */
    public ResumeStore open() {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe", "");
            Files.delete(probe);
            return this;
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "state directory " + dir + " is not writable (" + IoErrors.reason(e) + ")",
                    "choose another with --state DIR");
        }
    }

    public Optional<byte[]> torrent(String infoHash) {
        Path p = dir.resolve(infoHash + ".torrent");
        try {
            return Files.isRegularFile(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** All records, for finding a path seeded before. */
    public List<Record> all() {
        List<Record> records = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(f -> f.toString().endsWith(".resume")).toList()) {
                read(p).ifPresent(records::add);
            }
        } catch (IOException e) {
            return records;
        }
        return records;
    }

    public Optional<Record> load(String infoHash) {
        return read(dir.resolve(infoHash + ".resume"));
    }

    private Optional<Record> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
            int count = Integer.parseInt(p.getProperty("files", "0"));
            List<FileStamp> files = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                files.add(new FileStamp(p.getProperty("file." + i + ".path"),
                        Long.parseLong(p.getProperty("file." + i + ".size")),
                        Long.parseLong(p.getProperty("file." + i + ".modified"))));
            }
            String source = p.getProperty("source");
            return Optional.of(new Record(p.getProperty("infohash"), source == null ? null : Path.of(source),
                    Path.of(p.getProperty("data")), p.getProperty("options", ""), files,
                    BitSet.valueOf(Base64.getDecoder().decode(p.getProperty("verified", ""))),
                    Integer.parseInt(p.getProperty("pieces", "0"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or from another version: the data gets verified again
        }
    }

    /**
     * Writes atomically (temp file + rename), so a crash never leaves a half-written record; the
     * torrent is stored beside it unless null.
     */
    public void save(Record record, byte[] torrent) {
        Properties p = new Properties();
        p.setProperty("infohash", record.infoHash());
        if (record.source() != null) {
            p.setProperty("source", record.source().toString());
        }
        p.setProperty("data", record.dataRoot().toString());
        p.setProperty("options", record.optionsKey());
        p.setProperty("pieces", Integer.toString(record.pieceCount()));
        p.setProperty("verified", Base64.getEncoder().encodeToString(record.verified().toByteArray()));
        p.setProperty("files", Integer.toString(record.files().size()));
        for (int i = 0; i < record.files().size(); i++) {
            FileStamp f = record.files().get(i);
            p.setProperty("file." + i + ".path", f.path());
            p.setProperty("file." + i + ".size", Long.toString(f.size()));
            p.setProperty("file." + i + ".modified", Long.toString(f.modifiedMillis()));
        }
        try {
            Files.createDirectories(dir);
            Path torrentFile = dir.resolve(record.infoHash() + ".torrent");
            if (torrent != null && !Files.exists(torrentFile)) {
                writeAtomically(torrentFile, torrent);
            }
            Path tmp = Files.createTempFile(dir, record.infoHash(), ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "flux resume state");
            }
            move(tmp, dir.resolve(record.infoHash() + ".resume"));
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "cannot write resume state in " + dir + ": " + IoErrors.reason(e), null, e);
        }
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(dir, "torrent", ".tmp");
        Files.write(tmp, bytes);
        move(tmp, target);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
