package flux.seed;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Magnet links for torrents flux makes or seeds. */
public final class Magnets {
    private Magnets() {
    }

    public static String of(String infoHash, String name, List<String> trackers) {
        StringBuilder b = new StringBuilder("magnet:?xt=urn:btih:").append(infoHash);
        if (name != null) {
            b.append("&dn=").append(URLEncoder.encode(name, StandardCharsets.UTF_8));
        }
        for (String t : trackers) {
            b.append("&tr=").append(URLEncoder.encode(t, StandardCharsets.UTF_8));
        }
        return b.toString();
    }
}
