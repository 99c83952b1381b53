package flux.http;

import flux.engine.TorrentMeta;
import flux.stream.StreamingFile;

/** What the HTTP server serves: one torrent's files, each readable as it downloads. */
public interface MediaLibrary {
    TorrentMeta meta();

    /** The file the user selected (the one the player gets first). */
    int selectedIndex();

    /** A streaming view of file {@code index}; reading it makes its pieces wanted. */
    StreamingFile file(int index);

    /** Transfer status for /status.json (and scripts that poll it). */
    flux.ui.Progress progress();
}
