package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;
import flux.dlna.Renderer;
import flux.dlna.Renderers;
import flux.engine.Engine;
import flux.engine.TorrentInput;
import flux.engine.TorrentMeta;
import flux.http.BasicAuth;
import flux.http.MediaTypes;
import flux.http.StreamServer;
import flux.stream.StreamingFile;
import flux.ui.Events;
import flux.ui.Json;
import flux.ui.Sizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** `flux stream`: play a torrent while it downloads, over HTTP, through a player, or to stdout. */
@Command(name = "stream", sortOptions = false,
        description = {"Stream a torrent while it downloads: pieces come in playback order, a player's seek "
                + "becomes the most urgent work, and the file is served on a local HTTP server "
                + "(or written in order to stdout when that is a pipe)."},
        footerHeading = "%nExamples:%n",
        footer = {"  flux stream 'magnet:?xt=urn:btih:...' --mpv",
                "  flux stream movie.torrent --list",
                "  flux stream 'magnet:?xt=urn:btih:...' --select 2 | mpv -",
                "  flux stream 'magnet:?xt=urn:btih:...' --host 0.0.0.0 --port 9000   # serve the LAN"})
public class StreamCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(StreamCommand.class);
    static final int DEFAULT_HTTP_PORT = 8888;

    @Parameters(index = "0", paramLabel = "TORRENT",
            description = "Magnet link, 40-hex info-hash, .torrent file, or http(s) URL of a .torrent.")
    String torrent;

    @Option(names = {"-s", "--select"}, paramLabel = "INDEX|GLOB",
            description = "File to play: its index (see --list) or a glob on its name. Default: the largest video.")
    String select;

    @Option(names = {"-l", "--list"}, description = "Print the torrent's files (index, size, path) and exit.")
    boolean list;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "HTTP port (default: " + DEFAULT_HTTP_PORT + ", or a free one when it is taken).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "HTTP address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 exposes it).")
    String host;

    @Option(names = "--http-auth", paramLabel = "USER:PASSWORD",
            description = "Ask every HTTP request for this login (HTTP Basic), for a server exposed with --host "
                    + "0.0.0.0; a player flux opens gets it in its URL (http://USER:PASSWORD@host:port/...). "
                    + "FLUX_HTTP_AUTH keeps it out of the process list.")
    String httpAuth;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR|-",
            description = "Keep the download in DIR; '-' writes the file to stdout instead (the default when stdout is a pipe).")
    String out;

    @Option(names = "--keep", description = "Keep the downloaded data in the cache directory after exit "
            + "(a later stream of the torrent resumes from it; so does one into the same --out DIR).")
    boolean keep;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where downloads live while streaming (default: $XDG_CACHE_HOME/flux).")
    Path cacheDir;

    @Option(names = "--player", paramLabel = "PLAYER",
            description = "Open the stream in a player and exit when it exits: mpv, vlc, iina, ffplay, or a command "
                    + "({url} is replaced by the URL, else it is appended).")
    String player;

    @Option(names = "--mpv", description = "Same as --player mpv.")
    boolean mpv;

    @Option(names = "--vlc", description = "Same as --player vlc.")
    boolean vlc;

    @Option(names = "--dlna", arity = "0..1", paramLabel = "NAME", fallbackValue = "",
            description = "Play on a DLNA/UPnP renderer on the LAN (a smart TV, a media box): the first that answers, "
                    + "or the first whose name contains NAME; exit when it stops. The HTTP server then listens on "
                    + "this machine's address on that network, where the LAN can reach it.")
    String dlna;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "90",
            description = "Give up when the metadata has not arrived after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--window", paramLabel = "MIB", defaultValue = "32",
            description = "Read-ahead window per reader, in MiB, fetched before the rest of the file (default: ${DEFAULT-VALUE}).")
    int windowMiB;

    @Option(names = "--json", description = "Print events as JSON lines on stdout (listening, metadata, ready, casting, progress, waiting, done).")
    boolean json;

    @Option(names = {"-t", "--tracker"}, paramLabel = "URL",
            description = "Also ask this tracker for peers (http(s):// or udp:// announce URL; repeatable), "
                    + "e.g. for a bare info-hash or a magnet whose trackers are dead.")
    List<String> trackers = new ArrayList<>();

    @Option(names = "--peer", paramLabel = "HOST:PORT",
            description = "Also connect to this peer (repeatable), e.g. a seedbox on the LAN: 192.168.1.5:51413, [::1]:6881.")
    List<String> peers = new ArrayList<>();

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception {
        trackers.forEach(StreamCommand::checkTracker);
        List<InetSocketAddress> namedPeers = peers.stream().map(StreamCommand::peerAddress).toList(); // before anything starts
        TorrentInput input = TorrentInput.parse(torrent).withTrackers(trackers);
        if (input instanceof TorrentInput.TorrentUrl url) {
            // fetched once, here: the peer scout can then announce it while bt is wired, and its
            // cache directory is named by its info-hash (a kept download is found again)
            input = url.fetch();
        }
        boolean toStdout = "-".equals(out)
                || (out == null && playerCommand() == null && dlna == null && !list && !json && !Terminals.stdoutIsTerminal());
        if (dlna != null) {
            checkDlna(toStdout);
        }
        if (toStdout && json) {
            throw new FluxException(ExitCode.USAGE, "--json and '-o -' both want stdout", "choose one of them");
        }
        if (windowMiB < 1) {
            throw new FluxException(ExitCode.USAGE, "--window must be at least 1 MiB");
        }
        if (port != null) {
            NetworkOptions.checkPort("--port", port);
        }
        InetAddress hostAddress = NetworkOptions.address("--host", host);
        BasicAuth.Credentials login = httpAuth == null ? null : BasicAuth.Credentials.parse(httpAuth);
        if (httpAuth != null && login == null) {
            throw new FluxException(ExitCode.USAGE, "--http-auth must be USER:PASSWORD, both non-empty",
                    "for example --http-auth me:a-long-secret");
        }
        boolean intoOut = out != null && !"-".equals(out);
        Path base = intoOut ? Path.of(out) : (cacheDir != null ? cacheDir : Directories.cache());
        String baseOption = intoOut ? "--out DIR" : "--cache-dir DIR";
        // before anything starts: a directory flux cannot write fails the command at once
        IoErrors.createDirectories(base, "choose another with " + baseOption);
        PrintStream stdout = System.out;
        Events events = new Events(stdout, json);

        try (Cleanup cleanup = new Cleanup()) {
            // the renderer is looked for while the engine starts: the HTTP server listens where it can reach it
            CompletableFuture<Renderer> renderer = dlna == null || list ? null
                    : CompletableFuture.supplyAsync(() -> Renderers.find(dlna, hostAddress));
            // the HTTP server starts while the engine fetches the metadata (it answers 503 till then)
            CompletableFuture<StreamServer> early = toStdout || list ? null
                    : (renderer == null ? CompletableFuture.completedFuture(host) : renderer.thenApply(r -> serverHost(r, hostAddress)))
                    .thenApplyAsync(h -> StreamServer.start(h, port == null ? DEFAULT_HTTP_PORT : port, port == null, login));
            CompletableFuture<Void> listening = CompletableFuture.completedFuture(null);
            if (early != null) {
                cleanup.add("http", () -> early.thenAccept(StreamServer::close));
                // a player can start on this while the metadata comes or bt is wired: its own
                // start-up overlaps the wait (a .torrent's URL comes 0.1-0.2 s before its "ready")
                Optional<String> infoHash = Engine.infoHash(input);
                if (infoHash.isPresent()) {
                    String waitsFor = input instanceof TorrentInput.Magnet ? " (plays once the metadata is in)" : "";
                    listening = early.thenAccept(server -> announceStreamUrl(server.openStreamUrl(infoHash.get()), waitsFor, events));
                }
            }
            Engine engine = Engine.start(network.settings(), network.peerPortChosen(), input, namedPeers);
            if (early != null && (early.isCompletedExceptionally() || (port != null && port != 0) || renderer != null)) {
                joinServer(early); // a port in use, or no renderer: say so now, not after the metadata
            }
            cleanup.add("engine", engine::close);
            engine.onWriteFailure(Fatal.onWriteFailure(base,
                    "free some space there, or choose another " + baseOption));
            log.debug("peer port {}", engine.peerPort());
            if (early != null) {
                early.thenAccept(StreamServer::warmUp); // the engine is up: the metadata wait is idle time
            }

            boolean keepData = keep || intoOut;
            Streamer streamer = Streamer.open(engine, input, namedPeers, base, intoOut,
                    new Streamer.Plan(select, list, (long) windowMiB << 20), events, timeoutSeconds, cleanup, keepData);
            if (list) {
                printList(streamer.meta(), stdout);
                return ExitCode.OK.code;
            }
            TorrentMeta.FileEntry file = streamer.file();
            var library = streamer.library();
            StatusReporter status = streamer.status();
            if (toStdout) {
                int code = pipe(library.file(file.index()));
                status.finalLine();
                return code;
            }
            StreamServer server = joinServer(early);
            listening.join(); // its line comes first
            server.serve(library);
            String url = server.fileUrl(file.index());
            System.err.println("flux: ready: " + url);
            System.err.flush();
            List<String> subtitles = Subtitles.forVideo(streamer.meta(), file).stream()
                    .map(f -> server.fileUrl(f.index())).toList();
            events.emit("ready", Json.object().put("url", url).put("playlist", server.playlistUrl())
                    .put("index", file.index()).put("path", file.path()).put("size", file.size())
                    .put("subtitles", subtitles));
            if (renderer != null) {
                Renderer tv = renderer.join();
                return Casting.play(tv, server.fileUrlAt(tv.localAddress(), file.index()),
                        Path.of(file.path()).getFileName().toString(), MediaTypes.of(file.path()), file.size(), events, cleanup);
            }
            String command = playerCommand();
            if (command != null) {
                int code = Players.play(command, server.forPlayer(url), subtitles.stream().map(server::forPlayer).toList());
                log.info("player exited with code {}", code);
                return ExitCode.OK.code;
            }
            // serve until Ctrl-C / SIGTERM; the shutdown hook cleans up
            while (true) {
                Thread.sleep(60_000);
            }
        }
    }

    /** HOST:PORT, an IPv6 address in brackets; a host name is looked up here. */
    static InetSocketAddress peerAddress(String text) {
        int colon = text.lastIndexOf(':');
        String host = peerHost(text);
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535 || (host.contains(":") && !text.startsWith("["))) {
            throw new FluxException(ExitCode.USAGE, "--peer '" + text + "' is not HOST:PORT",
                    "for example 192.168.1.5:51413, or [::1]:6881 for an IPv6 address");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new FluxException(ExitCode.BAD_INPUT, "--peer: unknown host '" + host + "'", null);
        }
        return address;
    }

    /** The HOST of HOST:PORT, without an IPv6 address's brackets; empty when there is no colon. */
    static String peerHost(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** bt announces over http(s) and udp; anything else would be ignored without a word. */
    static void checkTracker(String url) {
        String scheme = url.contains("://") ? url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT) : "";
        if (!List.of("http", "https", "udp").contains(scheme)) {
            throw new FluxException(ExitCode.USAGE, "--tracker '" + url + "' is not a tracker flux can ask",
                    "give an http://, https:// or udp:// announce URL");
        }
    }

    private static void announceStreamUrl(String url, String waitsFor, Events events) {
        System.err.println("flux: listening: " + url + waitsFor);
        System.err.flush();
        events.emit("listening", Json.object().put("url", url));
    }

    private static StreamServer joinServer(CompletableFuture<StreamServer> early) throws InterruptedException {
        try {
            return early.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void checkDlna(boolean toStdout) {
        if (playerCommand() != null || toStdout) {
            throw new FluxException(ExitCode.USAGE, "--dlna plays on a renderer: it goes with neither a player nor '-o -'",
                    "choose one of them");
        }
        if (httpAuth != null) {
            throw new FluxException(ExitCode.USAGE, "--dlna and --http-auth: a renderer cannot log in", "drop --http-auth");
        }
    }

    /**
     * Where the HTTP server listens for a renderer: the address its answer came to, unless the
     * user chose one the renderer can reach (a loopback address it cannot).
     */
    private static String serverHost(Renderer renderer, InetAddress host) {
        return (host.isLoopbackAddress() ? renderer.localAddress() : host).getHostAddress();
    }

    private String playerCommand() {
        if (mpv) {
            return "mpv";
        }
        if (vlc) {
            return "vlc";
        }
        return player == null || player.isBlank() ? null : player;
    }

    private static void printList(TorrentMeta meta, PrintStream stdout) {
        stdout.println(meta.name() + "  (" + meta.infoHash() + ")");
        FileListing.print(meta.files(), stdout);
        stdout.flush();
    }

    /** Writes the file in order to stdout; a reader that quits (EPIPE) ends it quietly. */
    private static int pipe(StreamingFile file) throws IOException {
        OutputStream raw = new FileOutputStream(FileDescriptor.out);
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        try (StreamingFile.Reader reader = file.open(0); OutputStream sink = new BufferedOutputStream(raw, 1 << 20)) {
            long pos = 0;
            while (pos < file.length()) {
                buffer.clear();
                int n = reader.read(buffer, pos);
                if (n < 0) {
                    break;
                }
                sink.write(buffer.array(), 0, n);
                pos += n;
            }
            sink.flush();
            log.info("wrote {} to stdout", Sizes.bytes(pos));
            return ExitCode.OK.code;
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("Broken pipe")) {
                log.info("the reader closed stdout; stopping");
                return ExitCode.OK.code;
            }
            throw new FluxException(ExitCode.IO, "writing to stdout failed: " + e.getMessage(), null, e);
        }
    }

}
