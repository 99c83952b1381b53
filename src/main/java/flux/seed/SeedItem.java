package flux.seed;

import java.nio.file.Path;

/**
 * One thing to seed, ready for the engine: the .torrent bytes and where its data lives.
 *
 * @param source     the path the user named (a file, directory or .torrent)
 * @param dataRoot   the directory bt's storage works in (the data is dataRoot/name)
 * @param torrent    .torrent bytes
 * @param infoHash   hex info-hash
 * @param optionsKey the creation options, so a saved torrent is reused only when they match
 * @param hashedNow  true when flux hashed the data just now (so every piece is known good)
 */
public record SeedItem(Path source, Path dataRoot, byte[] torrent, String infoHash, String optionsKey, boolean hashedNow) {
    /** The path a later run may reuse this torrent for: a file or directory flux made it of; null for a .torrent. */
    public Path reusableFor() {
        return optionsKey.isEmpty() ? null : source;
    }
}
