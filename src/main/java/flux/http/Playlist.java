package flux.http;

import flux.engine.TorrentMeta;

/** An extended M3U of the torrent's playable files, for players that take a playlist URL. */
final class Playlist {
    private Playlist() {
    }

    static String m3u(TorrentMeta meta, String baseUrl) {
        StringBuilder b = new StringBuilder("#EXTM3U\n");
        for (TorrentMeta.FileEntry f : StreamServer.playable(meta)) {
            b.append("#EXTINF:-1,").append(f.fileName().replace('\n', ' ')).append('\n')
                    .append(baseUrl).append(StreamServer.filePath(meta, f.index())).append('\n');
        }
        return b.toString();
    }
}
