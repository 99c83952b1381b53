package flux.engine;

import bt.metainfo.Torrent;
import bt.metainfo.TorrentFile;
import flux.stream.PieceLayout;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** What a torrent holds, as the rest of flux sees it (no bt types leak past the engine). */
public record TorrentMeta(String name, String infoHash, long pieceLength, long totalSize, int pieceCount,
                          List<FileEntry> files, boolean singleFile, List<String> trackers, boolean privateFlag) {

    /** One file: its index in the torrent, its path inside the torrent, size and offset in the piece space. */
    public record FileEntry(int index, String path, long size, long offset) {
        public String fileName() {
            int slash = path.lastIndexOf('/');
            return slash < 0 ? path : path.substring(slash + 1);
        }
    }

    /** Where {@code file} lies in the torrent's pieces. */
    public PieceLayout layout(FileEntry file) {
        return new PieceLayout(pieceLength, totalSize, file.offset(), file.size());
    }

    /** A magnet link for the torrent: its info-hash, name and trackers. */
    public String magnet() {
        return magnet(List.of());
    }

    /** The same with web seeds ({@code ws}), which bt's metadata does not hold: see {@link Metainfo#webSeeds}. */
    public String magnet(List<String> webSeeds) {
        return new TorrentInput.Magnet(infoHash, Optional.of(name), trackers, List.of(), webSeeds).uri();
    }

    static TorrentMeta of(Torrent torrent) {
        List<FileEntry> files = new ArrayList<>();
        long offset = 0;
        int index = 0;
        for (TorrentFile f : torrent.getFiles()) {
            files.add(new FileEntry(index++, String.join("/", f.getPathElements()), f.getSize(), offset));
            offset += f.getSize();
        }
        long pieces = (torrent.getSize() + torrent.getChunkSize() - 1) / torrent.getChunkSize();
        List<String> trackers = new ArrayList<>();
        torrent.getAnnounceKey().ifPresent(k -> {
            if (k.isMultiKey()) {
                k.getTrackerUrls().forEach(trackers::addAll);
            } else {
                trackers.add(k.getTrackerUrl());
            }
        });
        return new TorrentMeta(torrent.getName(), HexFormat.of().formatHex(torrent.getTorrentId().getBytes()),
                torrent.getChunkSize(), torrent.getSize(), (int) pieces, List.copyOf(files),
                torrent.getFiles().size() == 1, List.copyOf(trackers), torrent.isPrivate());
    }
}
