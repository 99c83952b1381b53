package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** .torrent files made by mktorrent (a third party), and their info-hash from transmission-show. */
public final class TorrentMaker {
    private TorrentMaker() {
    }

    public record Made(Path torrent, String infoHash) {
        public String magnet(String tracker) {
            return "magnet:?xt=urn:btih:" + infoHash + "&tr=" + java.net.URLEncoder.encode(tracker, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** @param pieceExponent log2 of the piece size (18 = 256 KiB, 20 = 1 MiB) */
    public static Made make(Path content, Path torrentOut, String tracker, int pieceExponent)
            throws IOException, InterruptedException {
        Files.deleteIfExists(torrentOut);
        List<String> cmd = new ArrayList<>(List.of(Tools.require("mktorrent"), "-l", Integer.toString(pieceExponent),
                "-o", torrentOut.toString()));
        if (tracker != null) {
            cmd.add("-a");
            cmd.add(tracker);
        }
        cmd.add(content.toString());
        Tools.run(120, cmd.toArray(String[]::new));
        return new Made(torrentOut, infoHash(torrentOut));
    }

    public static String infoHash(Path torrent) throws IOException, InterruptedException {
        String out = Tools.run(30, Tools.require("transmission-show"), torrent.toString());
        Matcher m = Pattern.compile("Hash: ([0-9a-f]{40})").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no hash in transmission-show output: " + out);
        }
        return m.group(1);
    }
}
