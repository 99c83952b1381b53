package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;
import flux.engine.Engine;
import flux.engine.Metainfo;
import flux.engine.TorrentInput;
import flux.engine.TorrentMeta;
import flux.engine.TorrentSession;
import flux.http.SeedStatusServer;
import flux.seed.DataPaths;
import flux.seed.FastResume;
import flux.seed.ResumeStore;
import flux.seed.SeedItem;
import flux.seed.SeedPreparer;
import flux.seed.WatchedFolder;
import flux.ui.Json;
import flux.ui.Sizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** `flux seed`: seed files, directories or .torrents from one process until told to stop. */
@Command(name = "seed", sortOptions = false,
        description = {"Seed files, directories or .torrent files, many at once from one process, until "
                + "SIGINT/SIGTERM (exit 0) or until every torrent reached --ratio / --seed-time.",
                "Prints one line per torrent when it is ready (its data checked, peers answered): its magnet and path (--json: one JSON object). "
                        + "Resume state in the state directory lets a restart skip re-hashing unchanged files."},
        footerHeading = "%nExamples:%n",
        footer = {"  flux seed ~/videos/*.mkv -t udp://tracker.example:1337/announce",
                "  find . -name '*.mkv' | flux seed - --json",
                "  flux seed movie.torrent --data /srv/media --ratio 2",
                "  flux seed --from list.txt --seed-time 12h --no-dht"})
public class SeedCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(SeedCommand.class);
    /** How often watched folders are listed. */
    private static final int WATCH_SECONDS = 2;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Files, directories or .torrent files to seed; '-' reads more paths from stdin, one per line.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--from", paramLabel = "FILE", description = "Read more paths from FILE, one per line.")
    Path from;

    @Option(names = "--watch", paramLabel = "DIR",
            description = "Also seed each file, directory and .torrent in DIR, now and as they appear (looked at every "
                    + "2 s, taken once unchanged from one look to the next; hidden and .part/.tmp names are skipped), "
                    + "and stop seeding those removed; repeatable. flux then seeds until stopped.")
    List<Path> watch = new ArrayList<>();

    @Option(names = "--data", paramLabel = "DIR", description = "Where the data of .torrent arguments is (DIR/<torrent name>).")
    Path data;

    @Option(names = "--state", paramLabel = "DIR",
            description = "Resume state directory (default: $XDG_DATA_HOME/flux/state).")
    Path state;

    @Option(names = "--ratio", paramLabel = "R", description = "Stop a torrent once it uploaded R times its size.")
    Double ratio;

    @Option(names = "--seed-time", paramLabel = "DURATION", description = "Stop a torrent after seeding this long (e.g. 90m, 12h, 2d).")
    String seedTime;

    @Option(names = "--json", description = "Print JSON lines on stdout: ready (path, name, infoHash, magnet, size), stopped, error.")
    boolean json;

    @Option(names = "--http", paramLabel = "[HOST:]PORT",
            description = "Serve the seed's status over HTTP, on 127.0.0.1 unless HOST says otherwise (PORT 0: any "
                    + "free one): /status.json lists each torrent's name, info-hash, size, upload, ratio and peers; "
                    + "/metrics says the same in Prometheus' text format.")
    String http;

    @Option(names = "--status-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between status lines on stderr (default: ${DEFAULT-VALUE}; 0: none).")
    int statusInterval;

    @Mixin
    CreateOptions create;

    @Mixin
    NetworkOptions network;

    private final List<Seeding> seedings = new CopyOnWriteArrayList<>();
    private final AtomicInteger worstExit = new AtomicInteger(0);
    /** Torrents started and not yet stopped (some may still be checking their data). */
    private final AtomicInteger running = new AtomicInteger(0);

    /** Sessions of watched folders' entries, by path: stopped when the entry goes. */
    private final Map<Path, TorrentSession> watchedSessions = new HashMap<>();
    /** Watched folders that could not be listed at the last look. */
    private final Set<Path> unlisted = new HashSet<>();
    /** Guarded by seedings: watched entries' sessions stopped while their data was checked, not to be seeded after. */
    private final Set<TorrentSession> stoppedWatched = new HashSet<>();

    /** A torrent being seeded. */
    private record Seeding(SeedItem item, TorrentSession session, TorrentMeta meta, long startedNanos) {
    }

    @Override
    public Integer call() throws Exception {
        List<String> inputs = collectInputs();
        List<WatchedFolder> folders = watchedFolders();
        if (inputs.isEmpty() && folders.isEmpty()) {
            throw new FluxException(ExitCode.USAGE, "nothing to seed", "name files, directories or .torrent files, or '-' to read them from stdin");
        }
        Duration limit = seedTime == null ? null : parseDuration(seedTime);
        ResumeStore store = new ResumeStore(state != null ? state : Directories.data().resolve("state")).open();
        SeedPreparer preparer = new SeedPreparer(store);

        try (Cleanup cleanup = new Cleanup()) {
            cleanup.exitCodeOnSignal(worstExit::get);
            if (http != null) {
                SeedStatusServer server = startStatusServer();
                cleanup.add("http", server::close);
            }
            // a seed mostly answers requests: flux's message loop answers them without bt's 1 ms sleeps
            Engine engine = Engine.start(network.settings().withMostlyUploads(true), network.peerPortChosen());
            cleanup.add("engine", engine::close);
            for (String input : inputs) {
                seed(input, engine, store, preparer, cleanup);
            }
            // the last line of a seeder's log, under systemd's `stop` too: runs first, before the torrents close
            cleanup.add("last status", () -> {
                if (Cleanup.signalled()) {
                    log.info("stopping on a signal: {}", status());
                }
            });
            long nextStatus = System.nanoTime();
            for (long second = 0; ; second++) {
                if (second % WATCH_SECONDS == 0) {
                    for (WatchedFolder folder : folders) {
                        look(folder, engine, store, preparer, cleanup);
                    }
                }
                Thread.sleep(1000);
                stopFinished(engine, limit);
                if (running.get() == 0 && folders.isEmpty()) {
                    log.info("nothing left to seed; stopping");
                    return worstExit.get();
                }
                if (statusInterval > 0 && System.nanoTime() >= nextStatus) {
                    logStatus();
                    nextStatus = System.nanoTime() + Duration.ofSeconds(statusInterval).toNanos();
                }
            }
        }
    }

    /** Prepares and starts one path the user named; its session, or null when it failed (and was reported). */
    private TorrentSession seed(String input, Engine engine, ResumeStore store, SeedPreparer preparer, Cleanup cleanup) {
        try {
            SeedItem item = preparer.prepare(input, data, create.key(), create::options);
            return start(engine, store, item, cleanup);
        } catch (FluxException e) {
            fail(input, e.getMessage(), e.hint(), e.exitCode());
            return null;
        }
    }

    /** --http [HOST:]PORT, checked before anything starts; its URL is said on stderr. */
    private SeedStatusServer startStatusServer() {
        int colon = http.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : StreamCommand.peerHost(http);
        int port;
        try {
            port = Integer.parseInt(http.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new FluxException(ExitCode.USAGE, "--http '" + http + "' is not [HOST:]PORT", "for example --http 9100");
        }
        NetworkOptions.checkPort("--http", port);
        NetworkOptions.address("--http", host);
        SeedStatusServer server = SeedStatusServer.start(host, port, this::statusOfEach);
        System.err.println("flux: status on " + server.url() + "/status.json and " + server.url() + "/metrics");
        System.err.flush();
        return server;
    }

    private List<SeedStatusServer.Torrent> statusOfEach() {
        long now = System.nanoTime();
        return seedings.stream().map(s -> new SeedStatusServer.Torrent(s.meta().name(), s.meta().infoHash(),
                s.item().source().toString(), s.meta().totalSize(), s.session().uploadedBytes(), s.session().connectedPeers(),
                (now - s.startedNanos()) / 1_000_000_000)).toList();
    }

    private List<WatchedFolder> watchedFolders() {
        List<WatchedFolder> folders = new ArrayList<>();
        for (Path dir : watch) {
            if (!Files.isDirectory(dir)) {
                throw new FluxException(ExitCode.BAD_INPUT, "--watch " + dir + ": no such directory", "create it, or name another");
            }
            folders.add(new WatchedFolder(dir));
        }
        return folders;
    }

    /** Seeds what appeared in the folder since the last look, and stops what went. */
    private void look(WatchedFolder folder, Engine engine, ResumeStore store, SeedPreparer preparer, Cleanup cleanup) {
        WatchedFolder.Changes changes;
        try {
            changes = folder.poll();
        } catch (IOException e) {
            // a share that went away may come back: said once, and its torrents seed on meanwhile
            if (unlisted.add(folder.dir())) {
                log.warn("cannot list {}: {}; trying again every {} s", folder.dir(), IoErrors.reason(e), WATCH_SECONDS);
            }
            return;
        }
        if (unlisted.remove(folder.dir())) {
            log.info("{} can be listed again", folder.dir());
        }
        for (Path gone : changes.removed()) {
            TorrentSession session = watchedSessions.remove(gone);
            engine.close(session);
            synchronized (seedings) {
                boolean seeding = false;
                for (Seeding s : seedings) {
                    if (s.session() == session) {
                        seeding = true;
                        seedings.remove(s);
                        running.decrementAndGet();
                        log.info("{}: removed from {}; stopped", s.meta().name(), folder.dir());
                        if (json) {
                            emit(Json.object().put("event", "stopped").put("infoHash", s.meta().infoHash())
                                    .put("reason", "removed from " + folder.dir()).put("uploaded", session.uploadedBytes()));
                        }
                    }
                }
                if (!seeding) {
                    stoppedWatched.add(session); // still checking its data (or stopped already: then it stays here)
                }
            }
        }
        for (Path added : changes.added()) {
            TorrentSession session = seed(added.toString(), engine, store, preparer, cleanup);
            if (session == null) {
                folder.refuse(added);
            } else {
                watchedSessions.put(added, session);
            }
        }
    }

    private TorrentSession start(Engine engine, ResumeStore store, SeedItem item, Cleanup cleanup) {
        TorrentSession session = engine.open(new TorrentInput.TorrentBytes(item.torrent(), item.source().toString()),
                item.dataRoot(), s -> {
                    TorrentMeta meta = s.meta();
                    BitSet trusted = new BitSet();
                    if (item.hashedNow()) {
                        trusted.set(0, meta.pieceCount());
                    } else {
                        ResumeStore.Record record = store.load(item.infoHash()).orElse(null);
                        trusted = FastResume.trusted(meta, record, FastResume.stamps(meta, item.dataRoot()));
                    }
                    s.trust(trusted);
                }, () -> false);
        cleanup.add("torrent " + item.infoHash(), () -> engine.close(session));
        running.incrementAndGet();
        session.initiallyVerified().whenComplete((verified, error) -> {
            if (error != null) {
                OutOfMemory.exitIfCause(error);
                fail(item.source().toString(), "cannot check the data: " + error.getMessage(), null, ExitCode.IO);
                running.decrementAndGet();
                return;
            }
            TorrentMeta meta = session.meta();
            store.save(new ResumeStore.Record(item.infoHash(), item.reusableFor(),
                    item.dataRoot(), item.optionsKey(), FastResume.stamps(meta, item.dataRoot()), verified,
                    meta.pieceCount()), item.torrent());
            if (verified.cardinality() < meta.pieceCount()) {
                fail(item.source().toString(), "data in " + DataPaths.resolve(meta, item.dataRoot(), meta.files().get(0)).getParent()
                                + " does not match the torrent: " + verified.cardinality() + " of " + meta.pieceCount()
                                + " pieces verified (seeding only those)",
                        "check --data, or that the files were not changed", ExitCode.BAD_INPUT);
            }
            synchronized (seedings) {
                if (stoppedWatched.remove(session)) { // its entry left the watched folder while its data was checked
                    running.decrementAndGet();
                    return;
                }
                seedings.add(new Seeding(item, session, meta, System.nanoTime()));
            }
            // ready once bt answers peers for it: a leecher started on this line must not be turned away
            session.active().thenRun(() -> announceReady(item, session, meta, verified));
        });
        return session;
    }

    private void announceReady(SeedItem item, TorrentSession session, TorrentMeta meta, BitSet verified) {
        String magnet = meta.magnet(Metainfo.webSeeds(item.torrent()));
        if (json) {
            emit(Json.object().put("event", "ready").put("path", item.source().toString()).put("name", meta.name())
                    .put("infoHash", meta.infoHash()).put("magnet", magnet).put("size", meta.totalSize())
                    .put("verifiedPieces", verified.cardinality()).put("pieces", meta.pieceCount())
                    .put("recheckedPieces", session.piecesHashedAtStart()));
        } else {
            synchronized (System.out) {
                System.out.println(magnet + "\t" + item.source());
                System.out.flush();
            }
        }
    }

    private void stopFinished(Engine engine, Duration limit) {
        for (Seeding s : seedings) {
            long uploaded = s.session().uploadedBytes();
            boolean ratioMet = ratio != null && uploaded >= ratio * s.meta().totalSize();
            boolean timeMet = limit != null && System.nanoTime() - s.startedNanos() >= limit.toNanos();
            if (ratioMet || timeMet) {
                engine.close(s.session());
                seedings.remove(s);
                running.decrementAndGet();
                String why = ratioMet ? "ratio " + ratio + " reached" : "seed time " + seedTime + " reached";
                log.info("{}: {} (uploaded {}); stopped", s.meta().name(), why, Sizes.bytes(uploaded));
                if (json) {
                    emit(Json.object().put("event", "stopped").put("infoHash", s.meta().infoHash())
                            .put("reason", why).put("uploaded", uploaded));
                }
            }
        }
    }

    private void logStatus() {
        log.info("seeding {}", status());
    }

    private String status() {
        long up = 0;
        int peers = 0;
        for (Seeding s : seedings) {
            up += s.session().uploadedBytes();
            peers += s.session().connectedPeers();
        }
        return seedings.size() + " torrent(s), " + peers + " peer(s) connected, " + Sizes.bytes(up) + " uploaded";
    }

    private void fail(String path, String message, String hint, ExitCode code) {
        worstExit.accumulateAndGet(code.code, Math::max);
        System.err.println("flux: " + path + ": " + message + (hint == null ? "" : " (" + hint + ")"));
        if (json) {
            emit(Json.object().put("event", "error").put("path", path).put("message", message).put("exitCode", code.code));
        }
    }

    private static void emit(Json line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    private List<String> collectInputs() throws IOException {
        List<String> inputs = new ArrayList<>();
        for (String p : paths) {
            if (p.equals("-")) {
                inputs.addAll(readLines(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))));
            } else {
                inputs.add(p);
            }
        }
        if (from != null) {
            try (BufferedReader r = Files.newBufferedReader(from)) {
                inputs.addAll(readLines(r));
            } catch (IOException e) {
                throw new FluxException(ExitCode.IO, "cannot read " + from + ": " + IoErrors.reason(e));
            }
        }
        return inputs;
    }

    private static List<String> readLines(BufferedReader r) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofSeconds(Long.parseLong(s));
            };
        } catch (RuntimeException e) {
            throw new FluxException(ExitCode.USAGE, "not a duration: '" + text + "'", "for example 90s, 30m, 12h or 2d");
        }
    }
}
