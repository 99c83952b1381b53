package flux.http;

import flux.engine.TorrentMeta;
import flux.ui.Sizes;

/** The HTML page at / : the torrent's files with links a browser or player can open. */
final class IndexPage {
    private IndexPage() {
    }

    static String html(TorrentMeta meta, int selected) {
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(escape(meta.name())).append(" - flux</title></head><body>\n<h1>")
                .append(escape(meta.name())).append("</h1>\n<p><a href=\"/playlist.m3u\">playlist.m3u</a></p>\n<ol start=\"0\">\n");
        for (TorrentMeta.FileEntry f : meta.files()) {
            b.append("<li><a href=\"").append(StreamServer.filePath(meta, f.index())).append("\">")
                    .append(escape(f.path())).append("</a> (").append(Sizes.bytes(f.size())).append(')')
                    .append(f.index() == selected ? " <b>selected</b>" : "").append("</li>\n");
        }
        return b.append("</ol>\n</body></html>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
