package flux.seed;

import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;
import flux.engine.Metainfo;
import flux.engine.TorrentInput;
import flux.engine.TorrentMeta;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns what the user named into {@link SeedItem}s: a .torrent plus its data directory, or a
 * file/directory whose torrent is reused from the state directory when the same path was seeded
 * with the same options before, and made (hashed) otherwise.
 */
public final class SeedPreparer {
    private final ResumeStore store;
    private final Map<Path, ResumeStore.Record> bySource;

    public SeedPreparer(ResumeStore store) {
        this.store = store;
        this.bySource = store.all().stream().filter(r -> r.source() != null)
                .collect(Collectors.toMap(ResumeStore.Record::source, Function.identity(), (a, b) -> b));
    }

    public SeedItem prepare(String argument, Path dataDir, String optionsKey, Function<String, TorrentCreator.Options> options) {
        Path path = Path.of(argument).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new FluxException(ExitCode.BAD_INPUT, "no such file or directory");
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".torrent")) {
            if (dataDir == null) {
                throw new FluxException(ExitCode.USAGE, "seeding " + argument + " needs the directory its data is in",
                        "add --data DIR (the data is DIR/<torrent name>)");
            }
            TorrentInput input = new TorrentInput.TorrentFile(path);
            TorrentMeta meta = Metainfo.read(input);
            byte[] bytes = readAll(path);
            return new SeedItem(path, dataDir.toAbsolutePath().normalize(), bytes, meta.infoHash(), "", false);
        }
        if (path.getParent() == null) {
            throw new FluxException(ExitCode.BAD_INPUT, "cannot seed the root directory");
        }
        ResumeStore.Record previous = bySource.get(path);
        if (previous != null && previous.optionsKey().equals(optionsKey)) {
            var saved = store.torrent(previous.infoHash());
            if (saved.isPresent()) {
                return new SeedItem(path, path.getParent(), saved.get(), previous.infoHash(), optionsKey, false);
            }
        }
        TorrentCreator.Created made = TorrentCreator.create(path, options.apply(null));
        return new SeedItem(path, path.getParent(), made.torrent(), made.infoHash(), optionsKey, true);
    }

    private static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new FluxException(ExitCode.IO, "cannot read " + p + ": " + IoErrors.reason(e), null, e);
        }
    }
}
