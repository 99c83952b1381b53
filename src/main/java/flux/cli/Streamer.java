package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.engine.Engine;
import flux.engine.TorrentInput;
import flux.engine.TorrentMeta;
import flux.engine.TorrentSession;
import flux.http.MediaLibrary;
import flux.http.StreamServer;
import flux.stream.PiecePriorities;
import flux.stream.StreamingFile;
import flux.ui.Events;
import flux.ui.Json;
import flux.ui.Sizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One torrent opened for playback: metadata fetched, the file chosen, the download order set
 * and progress reported. `flux stream` and `flux demo` both start from here.
 */
final class Streamer {
    private static final Logger log = LoggerFactory.getLogger(Streamer.class);

    /** What to play: --select, --list (nothing), and the read-ahead window in bytes. */
    record Plan(String select, boolean listOnly, long windowBytes) {
    }

    private final TorrentSession session;
    private final TorrentMeta meta;
    private final TorrentMeta.FileEntry file;
    private final TorrentLibrary library;
    private final StatusReporter status;

    private Streamer(TorrentSession session, TorrentMeta meta, TorrentMeta.FileEntry file, TorrentLibrary library,
                     StatusReporter status) {
        this.session = session;
        this.meta = meta;
        this.file = file;
        this.library = library;
        this.status = status;
    }

    /**
     * @param peers       peers the user named (--peer), dialled beside those the trackers name
     * @param base        the cache (or --out) directory
     * @param directlyIn  download right into {@code base} (--out), else into a per-torrent directory below it
     * @param keepData    false: the download directory is deleted at exit
     */
    static Streamer open(Engine engine, TorrentInput input, List<InetSocketAddress> peers, Path base, boolean directlyIn,
                         Plan plan, Events events, int timeoutSeconds, Cleanup cleanup, boolean keepData)
            throws InterruptedException {
        AtomicReference<RuntimeException> planError = new AtomicReference<>();
        AtomicReference<TorrentMeta.FileEntry> chosen = new AtomicReference<>();
        AtomicBoolean cacheDeleted = new AtomicBoolean(); // by the cleanup: no torrent may be opened after it
        // a directory per torrent in the cache, so that cleaning up never touches anything else
        Optional<String> infoHash = Engine.infoHash(input);
        // (named by the info-hash, so a kept download is found again; bt reports a torrent flux cannot read)
        Path directory = directlyIn ? base : base.resolve(infoHash.orElse("torrent-" + ProcessHandle.current().pid()));
        StreamResume resume = new StreamResume(directory, infoHash);
        if (resume.keptBefore() && !keepData) {
            log.info("using the download kept in {}: it stays there", directory);
        }
        boolean kept = keepData || resume.keptBefore();
        if (kept) {
            cleanup.add("resume", resume::save); // runs after the torrent is closed (registered below)
        } else {
            // held until the directory is gone (registered first, so it is given up last); a
            // stream that dies without cleaning up leaves a lock nobody holds, and a later stream's
            // sweep deletes the directory
            claimScratch(directory, cleanup);
            // registered before the directory exists, so it runs last: after bt closed its files.
            // Never before or while the engine opens the torrent, which creates the directory: a
            // Ctrl-C there deleted it first, and the directory made after it, without its lock,
            // looked like a kept download to every later sweep (InterruptIT, once in a full run)
            cleanup.add("cache", () -> {
                synchronized (cacheDeleted) {
                    cacheDeleted.set(true);
                    DeleteTree.delete(directory);
                }
            });
        }
        if (!directlyIn) {
            Thread sweep = new Thread(() -> ScratchDirs.sweep(base), "flux-sweep");
            sweep.setDaemon(true);
            sweep.start();
        }
        AtomicReference<StreamingFile> selected = new AtomicReference<>();
        AtomicReference<PiecePriorities> planned = new AtomicReference<>();
        Consumer<TorrentSession> onMetadata = s -> {
            resume.applyTo(s);
            try {
                if (plan.listOnly()) {
                    s.planNothing();
                    return;
                }
                TorrentMeta.FileEntry f = FileChooser.choose(s.meta(), plan.select());
                chosen.set(f);
                planned.set(priorities(s.meta(), f, plan.windowBytes()));
                s.plan(planned.get());
            } catch (RuntimeException e) {
                planError.set(e);
                s.planNothing();
            }
        };
        TorrentSession session;
        synchronized (cacheDeleted) {
            if (cacheDeleted.get()) {
                throw new FluxException(ExitCode.INTERRUPTED, "interrupted"); // stopped while starting
            }
            session = engine.open(input, directory, !kept, peers, onMetadata,
                    () -> selected.get() == null || !selected.get().complete());
        }
        cleanup.add("torrent", () -> engine.close(session));

        TorrentMeta meta = MetadataWait.await(session, timeoutSeconds);
        if (planError.get() != null) {
            throw planError.get();
        }
        events.emit("metadata", Json.object().put("infoHash", meta.infoHash()).put("name", meta.name())
                .put("pieceLength", meta.pieceLength()).put("files", FileListing.json(meta.files())));
        if (plan.listOnly()) {
            return new Streamer(session, meta, null, null, null);
        }
        TorrentMeta.FileEntry file = chosen.get();
        TorrentLibrary library = new TorrentLibrary(session, meta, file.index());
        selected.set(library.file(file.index()));
        log.info("{}: streaming '{}' ({}), {} pieces of {}", meta.name(), file.path(), Sizes.bytes(file.size()),
                meta.pieceCount(), Sizes.bytes(meta.pieceLength()));
        StatusReporter status = new StatusReporter(session, library.file(file.index()), events);
        IndexPrefetch.start(session, file.index(), selected.get(), planned.get(), status::playingTime);
        library.status = status;
        status.start();
        cleanup.add("status", status::stop);
        return new Streamer(session, meta, file, library, status);
    }

    private static void claimScratch(Path directory, Cleanup cleanup) {
        try {
            cleanup.add("cache lock", ScratchDirs.claim(directory)::close);
        } catch (IOException e) {
            log.debug("no lock for {}: a crash would leave it in the cache", directory, e);
        }
    }

    TorrentMeta meta() {
        return meta;
    }

    TorrentMeta.FileEntry file() {
        return file;
    }

    MediaLibrary library() {
        return library;
    }

    StatusReporter status() {
        return status;
    }

    /**
     * The file's order, then the head and tail of the next file in the playlist (a season pack's
     * next episode), so that a player moving on starts it without waiting. The chosen file's tail
     * is its last piece until {@link IndexPrefetch} has read the head.
     */
    static PiecePriorities priorities(TorrentMeta meta, TorrentMeta.FileEntry file, long windowBytes) {
        PiecePriorities order = ofFile(meta, file, windowBytes, 1);
        return StreamServer.playable(meta).stream().filter(f -> f.index() > file.index() && f.size() > 0).findFirst()
                .map(next -> order.thenStartOf(ofFile(meta, next, 0, IndexPrefetch.fallbackTailBytes(next.size()))))
                .orElse(order);
    }

    /** Head 2 MiB, then the window; the tail as given. */
    private static PiecePriorities ofFile(TorrentMeta meta, TorrentMeta.FileEntry file, long windowBytes, long tailBytes) {
        return new PiecePriorities(meta.layout(file), windowBytes, IndexPrefetch.HEAD_BYTES, tailBytes);
    }

    /** The torrent's files as the HTTP server sees them; streaming views made on first use. */
    static final class TorrentLibrary implements MediaLibrary {
        private final TorrentSession session;
        private final TorrentMeta meta;
        private final int selected;
        private final Map<Integer, StreamingFile> files = new ConcurrentHashMap<>();
        private volatile StatusReporter status;

        TorrentLibrary(TorrentSession session, TorrentMeta meta, int selected) {
            this.session = session;
            this.meta = meta;
            this.selected = selected;
        }

        @Override
        public TorrentMeta meta() {
            return meta;
        }

        @Override
        public int selectedIndex() {
            return selected;
        }

        @Override
        public flux.ui.Progress progress() {
            return status.current();
        }

        @Override
        public StreamingFile file(int index) {
            return files.computeIfAbsent(index, i -> {
                TorrentMeta.FileEntry f = meta.files().get(i);
                return new StreamingFile(f.fileName(), meta.layout(f), session.verified(), session.readers(), session.fileData(i));
            });
        }
    }
}
