package flux.cli;

import flux.engine.Engine;
import flux.engine.Metainfo;
import flux.engine.TorrentInput;
import flux.engine.TorrentMeta;
import flux.engine.TorrentSession;
import flux.ui.Json;
import flux.ui.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;

/** `flux info`: what a torrent holds. */
@Command(name = "info", sortOptions = false,
        description = "Show what a torrent holds: name, info-hash, files and sizes, pieces, trackers. "
                + "A magnet or info-hash is resolved from the swarm (metadata only, no data is downloaded).",
        footerHeading = "%nExamples:%n",
        footer = {"  flux info movie.torrent", "  flux info 'magnet:?xt=urn:btih:...' --json | jq .files"})
public class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TORRENT", description = "Magnet link, info-hash, .torrent file or URL.")
    String torrent;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "90",
            description = "For magnets: give up when the metadata has not arrived after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception {
        TorrentInput input = TorrentInput.parse(torrent);
        TorrentMeta meta;
        List<String> webSeeds;
        if (input instanceof TorrentInput.Magnet m) {
            meta = fromSwarm(input);
            webSeeds = m.webSeeds(); // the metadata a peer sends holds no url-list
        } else {
            if (input instanceof TorrentInput.TorrentUrl url) {
                input = url.fetch(); // once, for both reads
            }
            meta = Metainfo.read(input);
            webSeeds = Metainfo.webSeeds(input);
        }
        print(meta, webSeeds, System.out);
        return 0;
    }

    private TorrentMeta fromSwarm(TorrentInput input) throws Exception {
        try (Cleanup cleanup = new Cleanup()) {
            Engine engine = Engine.start(network.settings(), network.peerPortChosen(), input);
            cleanup.add("engine", engine::close);
            var dir = Files.createTempDirectory("flux-info");
            cleanup.add("dir", () -> DeleteTree.delete(dir));
            TorrentSession session = engine.open(input, dir, TorrentSession::planNothing, () -> true);
            cleanup.add("torrent", () -> engine.close(session));
            return MetadataWait.await(session, timeoutSeconds);
        }
    }

    private void print(TorrentMeta meta, List<String> webSeeds, PrintStream out) {
        String magnet = meta.magnet(webSeeds);
        if (json) {
            out.println(Json.object().put("name", meta.name()).put("infoHash", meta.infoHash()).put("magnet", magnet)
                    .put("size", meta.totalSize()).put("pieceLength", meta.pieceLength()).put("pieces", meta.pieceCount())
                    .put("private", meta.privateFlag()).put("trackers", meta.trackers()).put("webSeeds", webSeeds)
                    .put("files", FileListing.json(meta.files())));
            return;
        }
        out.println("Name:       " + meta.name());
        out.println("Info-hash:  " + meta.infoHash());
        out.println("Size:       " + Sizes.bytes(meta.totalSize()) + " (" + meta.totalSize() + " bytes)");
        out.println("Pieces:     " + meta.pieceCount() + " x " + Sizes.bytes(meta.pieceLength()));
        out.println("Private:    " + (meta.privateFlag() ? "yes" : "no"));
        out.println("Trackers:   " + (meta.trackers().isEmpty() ? "(none)" : String.join(" ", meta.trackers())));
        if (!webSeeds.isEmpty()) {
            out.println("Web seeds:  " + String.join(" ", webSeeds));
        }
        out.println("Magnet:     " + magnet);
        out.println("Files:");
        FileListing.print(meta.files(), out);
    }
}
