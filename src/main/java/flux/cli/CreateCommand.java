package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;
import flux.seed.TorrentCreator;
import flux.ui.Json;
import flux.ui.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `flux create`: make a .torrent of a file or directory. */
@Command(name = "create", sortOptions = false,
        description = "Make a .torrent (v1) of a file or directory, hashing on all cores, and print its magnet link.",
        footerHeading = "%nExamples:%n",
        footer = {"  flux create movie.mkv -t udp://tracker.example:1337/announce",
                "  flux create ~/videos/season1 -o season1.torrent --piece-size 1M --comment 'Season 1'"})
public class CreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "File or directory to share.")
    Path path;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the .torrent (default: <name>.torrent here).")
    Path output;

    @Option(names = "--name", paramLabel = "NAME", description = "Torrent name (default: the file or directory name).")
    String name;

    @Option(names = "--force", description = "Overwrite an existing output file.")
    boolean force;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Mixin
    CreateOptions create;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        TorrentCreator.Created made = TorrentCreator.create(path, create.options(name));
        Path out = output != null ? output : Path.of(made.name() + ".torrent");
        if (Files.exists(out) && !force) {
            throw new FluxException(ExitCode.BAD_INPUT, out + " already exists", "use --force to overwrite it, or -o to choose another file");
        }
        try {
            Files.write(out, made.torrent());
        } catch (IOException e) {
            throw new FluxException(ExitCode.IO, "cannot write " + out + ": " + IoErrors.reason(e), null, e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json) {
            System.out.println(Json.object().put("torrent", out.toString()).put("name", made.name())
                    .put("infoHash", made.infoHash()).put("magnet", made.magnet()).put("size", made.totalSize())
                    .put("pieceLength", made.pieceSize()).put("pieces", made.pieceCount()));
        } else {
            System.out.println(made.magnet());
            System.err.printf("flux: wrote %s: %s in %d file(s), %d pieces of %s, hashed in %.1f s (%s)%n", out,
                    Sizes.bytes(made.totalSize()), made.files().size(), made.pieceCount(), Sizes.bytes(made.pieceSize()),
                    seconds, Sizes.rate(made.totalSize() / Math.max(seconds, 1e-3)));
        }
        return ExitCode.OK.code;
    }
}
