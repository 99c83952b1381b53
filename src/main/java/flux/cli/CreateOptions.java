package flux.cli;

import flux.seed.PieceSizes;
import flux.seed.TorrentCreator;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Options that shape a new torrent, shared by `flux create` and `flux seed`. */
public class CreateOptions {
    @Option(names = {"-t", "--tracker"}, paramLabel = "URL", description = "Tracker announce URL (repeatable; the first is the main one).")
    List<String> trackers = new ArrayList<>();

    @Option(names = {"-w", "--web-seed"}, paramLabel = "URL", description = "Web seed URL (BEP 19 url-list; repeatable).")
    List<String> webSeeds = new ArrayList<>();

    @Option(names = "--piece-size", paramLabel = "SIZE",
            description = "Piece size, a power of two such as 256K or 1M (default: chosen from the total size, ~1000-2000 pieces).")
    String pieceSize;

    @Option(names = "--private", description = "Mark the torrent private (peers only from its trackers: no DHT, no PEX).")
    boolean privateFlag;

    @Option(names = "--comment", paramLabel = "TEXT", description = "Comment stored in the torrent.")
    String comment;

    TorrentCreator.Options options(String name) {
        return new TorrentCreator.Options(List.copyOf(trackers), List.copyOf(webSeeds),
                pieceSize == null ? 0 : PieceSizes.parse(pieceSize), privateFlag, comment, name, "flux");
    }

    /** Identifies the options that change the info-hash or the .torrent, to know when a saved one can be reused. */
    String key() {
        return String.join(",", trackers) + "|" + String.join(",", webSeeds) + "|" + pieceSize + "|" + privateFlag + "|" + comment;
    }
}
