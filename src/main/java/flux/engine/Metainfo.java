package flux.engine;

import bt.bencoding.model.BEObject;
import bt.bencoding.serializers.BEParser;
import bt.bencoding.types.BEInteger;
import bt.bencoding.types.BEList;
import bt.bencoding.types.BEMap;
import bt.bencoding.types.BEString;
import bt.metainfo.MetadataService;
import bt.metainfo.Torrent;
import flux.ExitCode;
import flux.FluxException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** Reads .torrent files (from disk, a URL or memory) without starting a swarm. */
public final class Metainfo {
    /**
     * bt's metainfo parser, one for flux and bt. Building it loads SnakeYAML, whose Java 5 class
     * files the class-data-sharing archive cannot hold, and parses bt's YAML schema: 50-70 ms on
     * the way to bt's first connection (bt builds it while it wires itself), so
     * {@link #prepareParser} starts that on another thread as the process starts.
     */
    private static final CompletableFuture<MetadataService> PARSER = new CompletableFuture<>();
    private static final AtomicBoolean PARSER_STARTED = new AtomicBoolean();

    private Metainfo() {
    }

    /** What a .torrent input holds; magnets need the swarm (see {@link Engine#open}). */
    public static TorrentMeta read(TorrentInput input) {
        return TorrentMeta.of(parse(input));
    }

    /** Starts building bt's parser on a background thread; later calls do nothing. */
    public static void prepareParser() {
        if (PARSER_STARTED.compareAndSet(false, true)) {
            Thread builder = new Thread(Metainfo::buildParser, "flux-metainfo");
            builder.setDaemon(true);
            builder.start();
        }
    }

    /** bt's parser, waiting for {@link #prepareParser} or building it here if nobody started it. */
    static MetadataService parser() {
        if (PARSER_STARTED.compareAndSet(false, true)) {
            buildParser();
        }
        return PARSER.join();
    }

    private static void buildParser() {
        try {
            PARSER.complete(new MetadataService());
        } catch (RuntimeException | Error e) {
            PARSER.completeExceptionally(e);
        }
    }

    static Torrent parse(TorrentInput input) {
        byte[] bytes = TorrentFiles.read(input);
        try {
            return parser().fromByteArray(bytes);
        } catch (RuntimeException e) {
            throw new FluxException(ExitCode.BAD_INPUT, describe(input) + " is not a valid .torrent file",
                    "check that it is a complete .torrent (bencoded metainfo), not an HTML page or a partial download", e);
        }
    }

    /**
     * What the peer scout needs from a .torrent, and its web seeds (BEP 19's {@code url-list}, which
     * bt does not read).
     */
    record Peek(byte[] infoHash, List<String> trackers, long totalSize, boolean isPrivate, List<String> webSeeds) {
    }

    /**
     * The info-hash, trackers and size of a .torrent, read from its bencoding alone: bt's parser
     * is still being built on another thread when the peer scout starts (see {@link #PARSER}),
     * and the scout must not wait for it.
     *
     * @throws RuntimeException when the input is not a .torrent
     */
    static Peek peek(TorrentInput input) {
        try (BEParser parser = new BEParser(TorrentFiles.read(input))) {
            Map<String, BEObject<?>> root = parser.readMap().getValue();
            if (!(root.get("info") instanceof BEMap info)) {
                throw new IllegalArgumentException("no info dictionary");
            }
            byte[] infoHash = MessageDigest.getInstance("SHA-1").digest(info.getContent());
            Set<String> trackers = new LinkedHashSet<>();
            if (root.get("announce-list") instanceof BEList tiers) {
                tiers.getValue().stream().filter(BEList.class::isInstance).flatMap(tier -> ((BEList) tier).getValue().stream())
                        .filter(BEString.class::isInstance).forEach(url -> trackers.add(((BEString) url).getValueAsString()));
            }
            if (root.get("announce") instanceof BEString announce) {
                trackers.add(announce.getValueAsString());
            }
            long size = length(info);
            if (info.getValue().get("files") instanceof BEList files) {
                size = files.getValue().stream().mapToLong(Metainfo::length).sum();
            }
            boolean isPrivate = info.getValue().get("private") instanceof BEInteger flag && flag.getValue().intValue() == 1;
            return new Peek(infoHash, List.copyOf(trackers), size, isPrivate, webSeeds(root.get("url-list")));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }

    /** A .torrent's web seeds (its url-list). */
    public static List<String> webSeeds(byte[] torrent) {
        return webSeeds(new TorrentInput.TorrentBytes(torrent, "the torrent"));
    }

    /** The web seeds of a .torrent input (a URL's is fetched again: fetch it into bytes first). */
    public static List<String> webSeeds(TorrentInput input) {
        return peek(input).webSeeds();
    }

    /** A url-list is one URL or a list of them; anything else in it is ignored. */
    private static List<String> webSeeds(BEObject<?> urlList) {
        if (urlList instanceof BEString one) {
            return one.getValueAsString().isBlank() ? List.of() : List.of(one.getValueAsString());
        }
        if (urlList instanceof BEList list) {
            return list.getValue().stream().filter(BEString.class::isInstance).map(url -> ((BEString) url).getValueAsString())
                    .filter(url -> !url.isBlank()).distinct().toList();
        }
        return List.of();
    }

    private static long length(BEObject<?> entry) {
        return entry instanceof BEMap map && map.getValue().get("length") instanceof BEInteger length
                ? length.getValue().longValue() : 0;
    }

    static String describe(TorrentInput input) {
        if (input instanceof TorrentInput.TorrentFile f) {
            return f.path().toString();
        }
        if (input instanceof TorrentInput.TorrentUrl u) {
            return u.url().toString();
        }
        if (input instanceof TorrentInput.TorrentBytes b) {
            return b.origin();
        }
        return input.toString();
    }
}
