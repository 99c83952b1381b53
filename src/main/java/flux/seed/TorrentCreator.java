package flux.seed;

import bt.bencoding.types.BEInteger;
import bt.bencoding.types.BEList;
import bt.bencoding.types.BEMap;
import bt.bencoding.model.BEObject;
import bt.bencoding.types.BEString;
import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;
import flux.engine.TorrentInput;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Makes v1 .torrent files: one reader streams the data piece by piece while all cores hash.
 * File order and bencoding match mktorrent, so the same data and piece size give the same info-hash.
 */
public final class TorrentCreator {

    /** What goes into the torrent besides the data. */
    public record Options(List<String> trackers, List<String> webSeeds, long pieceSize, boolean privateFlag,
                          String comment, String name, String createdBy) {
        public static Options defaults() {
            return new Options(List.of(), List.of(), 0, false, null, null, "flux");
        }
    }

    /** A file of the torrent: its path inside the torrent ('/'-separated) and its size. */
    public record Entry(Path source, String path, long size) {
    }

    /** The result: the .torrent bytes and what a user wants to know about them. */
    public record Created(byte[] torrent, String infoHash, String name, long totalSize, long pieceSize,
                          int pieceCount, List<Entry> files, List<String> trackers, List<String> webSeeds) {
        public String magnet() {
            return new TorrentInput.Magnet(infoHash, Optional.ofNullable(name), trackers, List.of(), webSeeds).uri();
        }
    }

    private TorrentCreator() {
    }

    public static Created create(Path root, Options options) {
        Path source = root.toAbsolutePath().normalize();
        List<Entry> files = listFiles(source);
        long total = files.stream().mapToLong(Entry::size).sum();
        if (total == 0) {
            throw new FluxException(ExitCode.BAD_INPUT, source + " holds no data (only empty files)",
                    "a torrent needs at least one non-empty file");
        }
        long pieceSize = options.pieceSize() > 0 ? options.pieceSize() : PieceSizes.forTotal(total);
        if (Long.bitCount(pieceSize) != 1 || pieceSize < 16 * 1024 || pieceSize > (64L << 20)) {
            throw new FluxException(ExitCode.USAGE, "piece size must be a power of two between 16 KiB and 64 MiB",
                    "for example --piece-size 256K or 1M");
        }
        byte[] pieces = hashPieces(files, (int) pieceSize, total);
        String name = options.name() != null ? options.name() : source.getFileName().toString();

        Map<String, BEObject<?>> info = new LinkedHashMap<>();
        info.put("name", new BEString(name));
        info.put("piece length", new BEInteger(pieceSize));
        info.put("pieces", new BEString(pieces));
        if (Files.isDirectory(source)) {
            List<BEMap> list = new ArrayList<>();
            for (Entry f : files) {
                Map<String, BEObject<?>> m = new LinkedHashMap<>();
                m.put("length", new BEInteger(f.size()));
                m.put("path", new BEList(Stream.of(f.path().split("/")).map(BEString::new).toList()));
                list.add(new BEMap(m));
            }
            info.put("files", new BEList(list));
        } else {
            info.put("length", new BEInteger(total));
        }
        if (options.privateFlag()) {
            info.put("private", new BEInteger(1));
        }
        BEMap infoMap = new BEMap(info);

        Map<String, BEObject<?>> torrent = new LinkedHashMap<>();
        if (!options.trackers().isEmpty()) {
            torrent.put("announce", new BEString(options.trackers().get(0)));
            if (options.trackers().size() > 1) {
                torrent.put("announce-list", new BEList(options.trackers().stream()
                        .map(t -> new BEList(List.of(new BEString(t)))).toList()));
            }
        }
        if (options.comment() != null) {
            torrent.put("comment", new BEString(options.comment()));
        }
        if (options.createdBy() != null) {
            torrent.put("created by", new BEString(options.createdBy()));
        }
        torrent.put("creation date", new BEInteger(System.currentTimeMillis() / 1000));
        torrent.put("info", infoMap);
        if (!options.webSeeds().isEmpty()) {
            torrent.put("url-list", new BEList(options.webSeeds().stream().map(BEString::new).toList()));
        }
        String infoHash = HexFormat.of().formatHex(sha1(encode(infoMap)));
        return new Created(encode(new BEMap(torrent)), infoHash, name, total, pieceSize,
                pieces.length / 20, files, options.trackers(), options.webSeeds());
    }

    /** Regular files under the root, in byte order of their '/'-separated paths (as mktorrent sorts). */
    static List<Entry> listFiles(Path source) {
        if (!Files.exists(source)) {
            throw new FluxException(ExitCode.BAD_INPUT, "no such file or directory: " + source);
        }
        if (Files.isRegularFile(source)) {
            if (!Files.isReadable(source)) {
                throw new FluxException(ExitCode.IO, "cannot read " + source, "check its permissions");
            }
            return List.of(new Entry(source, source.getFileName().toString(), size(source)));
        }
        List<Entry> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(source)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                if (!Files.isReadable(p)) {
                    throw new FluxException(ExitCode.IO, "cannot read " + p, "check its permissions");
                }
                String rel = source.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                files.add(new Entry(p, rel, size(p)));
            });
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "cannot list " + source + ": " + IoErrors.reason(e), null, e);
        }
        if (files.isEmpty()) {
            throw new FluxException(ExitCode.BAD_INPUT, "directory " + source + " has no files to share");
        }
        files.sort((a, b) -> compareBytes(a.path(), b.path()));
        return files;
    }

    private static int compareBytes(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "cannot read " + p + ": " + IoErrors.reason(e), null, e);
        }
    }

    /** Reads all data once, in order; hashing of full pieces runs on every core. */
    private static byte[] hashPieces(List<Entry> files, int pieceSize, long total) {
        int count = (int) ((total + pieceSize - 1) / pieceSize);
        byte[] result = new byte[count * 20];
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "flux-hash");
            t.setDaemon(true);
            return t;
        });
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(threads * 2);
        for (int i = 0; i < threads * 2; i++) {
            free.add(new byte[pieceSize]);
        }
        List<Future<?>> pending = new ArrayList<>();
        try {
            byte[] buffer = free.take();
            int filled = 0;
            int piece = 0;
            for (Entry f : files) {
                try (FileChannel ch = FileChannel.open(f.source(), StandardOpenOption.READ)) {
                    long left = f.size();
                    while (left > 0) {
                        int n = ch.read(ByteBuffer.wrap(buffer, filled, (int) Math.min(pieceSize - filled, left)));
                        if (n < 0) {
                            throw new FluxException(ExitCode.IO, f.source() + " changed while it was being hashed");
                        }
                        filled += n;
                        left -= n;
                        if (filled == pieceSize) {
                            pending.add(submit(pool, free, buffer, filled, piece++, result));
                            buffer = free.take();
                            filled = 0;
                        }
                    }
                }
            }
            if (filled > 0) {
                pending.add(submit(pool, free, buffer, filled, piece, result));
            }
            for (Future<?> f : pending) {
                f.get();
            }
            return result;
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "reading data failed: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FluxException(ExitCode.INTERRUPTED, "interrupted while hashing");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Future<?> submit(ExecutorService pool, BlockingQueue<byte[]> free, byte[] buffer, int length,
                                    int piece, byte[] result) {
        return pool.submit(() -> {
            MessageDigest sha1 = sha1Digest();
            sha1.update(buffer, 0, length);
            System.arraycopy(sha1.digest(), 0, result, piece * 20, 20);
            free.add(buffer);
        });
    }

    static byte[] encode(BEObject<?> object) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            object.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] sha1(byte[] data) {
        return sha1Digest().digest(data);
    }

    private static MessageDigest sha1Digest() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
