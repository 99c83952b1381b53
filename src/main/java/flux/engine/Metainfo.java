package flux.engine;

import bt.metainfo.MetadataService;
import bt.metainfo.Torrent;
import flux.ExitCode;
import flux.FluxException;

/** Reads .torrent files (from disk, a URL or memory) without starting a swarm. */
public final class Metainfo {
    private static final MetadataService PARSER = new MetadataService();

    private Metainfo() {
    }

    /** What a .torrent input holds; magnets need the swarm (see {@link Engine#open}). */
    public static TorrentMeta read(TorrentInput input) {
        return TorrentMeta.of(parse(input));
    }

    static Torrent parse(TorrentInput input) {
        byte[] bytes = TorrentFiles.read(input);
        try {
            return PARSER.fromByteArray(bytes);
        } catch (RuntimeException e) {
            throw new FluxException(ExitCode.BAD_INPUT, describe(input) + " is not a valid .torrent file",
                    "check that it is a complete .torrent (bencoded metainfo), not an HTML page or a partial download", e);
        }
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
