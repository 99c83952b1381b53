package flux.engine;

import flux.ExitCode;
import flux.FluxException;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the user gave to name a torrent: a magnet, a bare info-hash, a .torrent file or URL, with
 * any trackers the user added (`flux stream --tracker`).
 */
public sealed interface TorrentInput {

    /** Trackers asked beside those the torrent names (none for a magnet: it lists them all). */
    List<String> extraTrackers();

    /**
     * The same torrent with these trackers asked too: a magnet lists them, a .torrent keeps them
     * beside its own (its bytes, and so its info-hash, stay as they are).
     */
    TorrentInput withTrackers(List<String> trackers);

    /**
     * A magnet link (or a bare info-hash, which is a magnet with nothing but the hash).
     *
     * @param webSeeds its {@code ws} URLs: HTTP servers with the torrent's files (BEP 19)
     */
    record Magnet(String infoHash, Optional<String> name, List<String> trackers, List<String> peers, List<String> webSeeds)
            implements TorrentInput {
        public Magnet(String infoHash, Optional<String> name, List<String> trackers, List<String> peers) {
            this(infoHash, name, trackers, peers, List.of());
        }

        public String uri() {
            StringBuilder b = new StringBuilder("magnet:?xt=urn:btih:").append(infoHash);
            name.ifPresent(n -> b.append("&dn=").append(java.net.URLEncoder.encode(n, StandardCharsets.UTF_8)));
            trackers.forEach(t -> b.append("&tr=").append(java.net.URLEncoder.encode(t, StandardCharsets.UTF_8)));
            peers.forEach(p -> b.append("&x.pe=").append(p));
            webSeeds.forEach(w -> b.append("&ws=").append(java.net.URLEncoder.encode(w, StandardCharsets.UTF_8)));
            return b.toString();
        }

        @Override
        public List<String> extraTrackers() {
            return List.of();
        }

        @Override
        public Magnet withTrackers(List<String> more) {
            return new Magnet(infoHash, name, union(trackers, more), peers, webSeeds);
        }
    }

    /** A .torrent file on disk. */
    record TorrentFile(Path path, List<String> extraTrackers) implements TorrentInput {
        public TorrentFile(Path path) {
            this(path, List.of());
        }

        @Override
        public TorrentFile withTrackers(List<String> more) {
            return new TorrentFile(path, union(extraTrackers, more));
        }
    }

    /** The bytes of a .torrent already in memory (made or stored by flux). */
    record TorrentBytes(byte[] bytes, String origin, List<String> extraTrackers) implements TorrentInput {
        public TorrentBytes(byte[] bytes, String origin) {
            this(bytes, origin, List.of());
        }

        @Override
        public TorrentBytes withTrackers(List<String> more) {
            return new TorrentBytes(bytes, origin, union(extraTrackers, more));
        }
    }

    /** An http(s) URL of a .torrent file. */
    record TorrentUrl(URI url, List<String> extraTrackers) implements TorrentInput {
        public TorrentUrl(URI url) {
            this(url, List.of());
        }

        @Override
        public TorrentUrl withTrackers(List<String> more) {
            return new TorrentUrl(url, union(extraTrackers, more));
        }

        /** The .torrent fetched once, so that its info-hash and trackers are known before bt starts. */
        public TorrentBytes fetch() {
            return new TorrentBytes(TorrentFiles.read(this), url.toString(), extraTrackers);
        }
    }

    /** The trackers of both lists, each once, in order. */
    private static List<String> union(List<String> first, List<String> second) {
        return List.copyOf(new LinkedHashSet<>(Stream.concat(first.stream(), second.stream()).toList()));
    }

    Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");
    Pattern BASE32 = Pattern.compile("[A-Za-z2-7]{32}");

    static TorrentInput parse(String text) {
        String s = text.trim();
        if (s.regionMatches(true, 0, "magnet:", 0, 7)) {
            return parseMagnet(s);
        }
        if (HEX40.matcher(s).matches()) {
            return new Magnet(s.toLowerCase(Locale.ROOT), Optional.empty(), List.of(), List.of());
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            try {
                return new TorrentUrl(URI.create(s));
            } catch (IllegalArgumentException e) {
                throw bad("not a valid URL: " + s, null);
            }
        }
        try {
            Path path = Path.of(s);
            if (Files.isRegularFile(path)) {
                return new TorrentFile(path);
            }
        } catch (java.nio.file.InvalidPathException e) {
            throw bad("'" + s + "' is not a magnet link, info-hash, .torrent file or URL", null);
        }
        if (s.matches("[0-9a-fA-F]{30,50}") || s.length() == 40 || s.length() == 32) {
            throw bad("'" + s + "' is not a valid info-hash",
                    "an info-hash is 40 hexadecimal characters (or 32 base32 characters inside a magnet)");
        }
        throw bad("'" + s + "' is not a magnet link, info-hash, .torrent file or URL",
                "check the path, or quote the magnet link so the shell keeps the '&' parts");
    }

    private static Magnet parseMagnet(String s) {
        int control = firstControlCharacter(s);
        if (control >= 0) {
            // a URI has none: the magnet ran into whatever followed it (a script's "magnet<TAB>path"
            // line, a second pasted line), which would otherwise end up in its last tracker's URL
            throw bad("malformed magnet link: " + describe(s.charAt(control)) + " at character " + (control + 1)
                            + ", after '" + (control > 24 ? "..." + s.substring(control - 24, control) : s.substring(0, control)) + "'",
                    "a magnet link is one word with no tabs or line breaks: quote it whole, with nothing after it");
        }
        int q = s.indexOf('?');
        if (q < 0) {
            throw bad("malformed magnet link: no '?' with parameters", "a magnet looks like magnet:?xt=urn:btih:<info-hash>&dn=<name>");
        }
        String hash = null;
        String name = null;
        List<String> trackers = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        List<String> webSeeds = new ArrayList<>();
        for (String part : s.substring(q + 1).split("&")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq);
            String value;
            try {
                value = URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw bad("malformed magnet link: bad escape in '" + part + "'", null);
            }
            switch (key) {
                case "xt" -> {
                    if (value.regionMatches(true, 0, "urn:btih:", 0, 9)) {
                        hash = infoHashOf(value.substring(9));
                    }
                }
                case "dn" -> name = value;
                case "tr" -> trackers.add(value);
                case "x.pe" -> peers.add(value);
                case "ws" -> webSeeds.add(value);
                default -> {
                    // other parameters (xl, so...) are not used
                }
            }
        }
        if (hash == null) {
            throw bad("malformed magnet link: no 'xt=urn:btih:' info-hash",
                    "a magnet looks like magnet:?xt=urn:btih:<info-hash>&dn=<name>");
        }
        return new Magnet(hash, Optional.ofNullable(name), List.copyOf(trackers), List.copyOf(peers), List.copyOf(webSeeds));
    }

    private static int firstControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(char c) {
        return switch (c) {
            case '\t' -> "a tab";
            case '\n', '\r' -> "a line break";
            default -> String.format("a control character (U+%04X)", (int) c);
        };
    }

    private static String infoHashOf(String v) {
        if (HEX40.matcher(v).matches()) {
            return v.toLowerCase(Locale.ROOT);
        }
        if (BASE32.matcher(v).matches()) {
            return HexFormat.of().formatHex(base32(v.toUpperCase(Locale.ROOT)));
        }
        throw bad("malformed magnet link: '" + v + "' is not a 40-hex or 32-base32 info-hash", null);
    }

    private static byte[] base32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        byte[] out = new byte[20];
        long buffer = 0;
        int bits = 0;
        int n = 0;
        for (char c : s.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out[n++] = (byte) (buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return out;
    }

    private static FluxException bad(String message, String hint) {
        return new FluxException(ExitCode.BAD_INPUT, message, hint);
    }
}
