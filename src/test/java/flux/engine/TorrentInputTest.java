package flux.engine;

import flux.ExitCode;
import flux.FluxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class TorrentInputTest {
    static final String HEX = "c9e15763f722f23e98a29decdfae341b98d53056";

    static TorrentInput.Magnet magnet(String text) {
        return assertInstanceOf(TorrentInput.Magnet.class, TorrentInput.parse(text));
    }

    static FluxException badInput(String text) {
        FluxException e = assertThrows(FluxException.class, () -> TorrentInput.parse(text));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode(), e.getMessage());
        return e;
    }

    @Test
    void magnetWithHexHash() {
        TorrentInput.Magnet m = magnet("magnet:?xt=urn:btih:" + HEX);
        assertEquals(HEX, m.infoHash());
        assertEquals(Optional.empty(), m.name());
        assertEquals(List.of(), m.trackers());
    }

    @Test
    void uppercaseHexIsNormalisedToLowercase() {
        assertEquals(HEX, magnet("MAGNET:?xt=urn:BTIH:" + HEX.toUpperCase()).infoHash());
        assertEquals(HEX, magnet(HEX.toUpperCase()).infoHash());
    }

    @Test
    void nameTrackersPeersAndWebSeedsAreDecoded() {
        TorrentInput.Magnet m = magnet("magnet:?xt=urn:btih:" + HEX + "&dn=Big%20Buck+Bunny%20%26%20friends"
                + "&tr=udp%3A%2F%2Ftracker.example.org%3A1337%2Fannounce&tr=http%3A%2F%2Ft2.example%2Fa%3Fk%3D1"
                + "&x.pe=10.0.0.1:6881&ws=http%3A%2F%2Fseed.example%2Fmovies%2F");
        assertEquals(Optional.of("Big Buck Bunny & friends"), m.name());
        assertEquals(List.of("udp://tracker.example.org:1337/announce", "http://t2.example/a?k=1"), m.trackers());
        assertEquals(List.of("10.0.0.1:6881"), m.peers());
        assertEquals(List.of("http://seed.example/movies/"), m.webSeeds());
    }

    @Test
    void magnetUriRoundTrips() {
        TorrentInput.Magnet m = magnet("magnet:?xt=urn:btih:" + HEX + "&dn=a%20b%26c&tr=udp%3A%2F%2Ft.example%3A1%2Fx"
                + "&ws=https%3A%2F%2Fs.example%2Fa%20b.mkv");
        assertEquals(m, magnet(m.uri()));
    }

    @Test
    void magnetWithBase32HashGivesTheSameHashInHex() {
        // independent conversion: the 160-bit number the hex names, written in base 32 (RFC 4648 alphabet)
        String base32 = base32Of(HEX);
        assertEquals(32, base32.length());
        assertEquals(HEX, magnet("magnet:?xt=urn:btih:" + base32).infoHash());
        assertEquals(HEX, magnet("magnet:?xt=urn:btih:" + base32.toLowerCase()).infoHash(), "base32 is case-insensitive");
    }

    @Test
    void base32EdgeValuesWorkedOutByHand() {
        // 'A' = 0 and '7' = 31: all-zero and all-one bits; 'B' = 1 in the last (lowest) 5 bits
        assertEquals("0".repeat(40), magnet("magnet:?xt=urn:btih:" + "A".repeat(32)).infoHash());
        assertEquals("f".repeat(40), magnet("magnet:?xt=urn:btih:" + "7".repeat(32)).infoHash());
        assertEquals("0".repeat(39) + "1", magnet("magnet:?xt=urn:btih:" + "A".repeat(31) + "B").infoHash());
        // 'Q' = 16 = 10000b first: the top bit of the first byte
        assertEquals("80" + "0".repeat(38), magnet("magnet:?xt=urn:btih:Q" + "A".repeat(31)).infoHash());
    }

    @Test
    void bareHexIsAMagnetWithNothingButTheHash() {
        TorrentInput.Magnet m = magnet("  " + HEX + "\n");
        assertEquals(HEX, m.infoHash());
        assertEquals(Optional.empty(), m.name());
        assertEquals(List.of(), m.trackers());
        assertEquals(List.of(), m.peers());
    }

    @Test
    void httpAndHttpsUrls() {
        String url = "https://example.org/files/ubuntu.torrent?x=1";
        assertEquals(new TorrentInput.TorrentUrl(URI.create(url)), TorrentInput.parse(url));
        TorrentInput in = TorrentInput.parse("http://127.0.0.1:8080/a.torrent");
        assertEquals(URI.create("http://127.0.0.1:8080/a.torrent"), assertInstanceOf(TorrentInput.TorrentUrl.class, in).url());
    }

    @Test
    void anExistingFileIsATorrentFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("some.torrent"), "d4:infode");
        assertEquals(new TorrentInput.TorrentFile(file), TorrentInput.parse(file.toString()));
    }

    @Test
    void magnetWithoutXtIsRejected() {
        FluxException e = badInput("magnet:?dn=name&tr=udp%3A%2F%2Ft.example%3A1");
        assertTrue(e.getMessage().contains("no 'xt=urn:btih:' info-hash"), e.getMessage());
    }

    @Test
    void magnetWithoutParametersIsRejected() {
        FluxException e = badInput("magnet:xt=urn:btih:" + HEX);
        assertTrue(e.getMessage().contains("no '?'"), e.getMessage());
    }

    @Test
    void magnetWithABadHashIsRejected() {
        String notHex = "z" + HEX.substring(1);
        FluxException e = badInput("magnet:?xt=urn:btih:" + notHex);
        assertTrue(e.getMessage().contains(notHex) && e.getMessage().contains("not a 40-hex or 32-base32 info-hash"),
                e.getMessage());
    }

    @Test
    void magnetWith39HexCharactersIsRejected() {
        String short39 = HEX.substring(1);
        FluxException e = badInput("magnet:?xt=urn:btih:" + short39);
        assertTrue(e.getMessage().contains(short39) && e.getMessage().contains("info-hash"), e.getMessage());
    }

    @Test
    void bare39HexCharactersAreRejected() {
        String short39 = HEX.substring(1);
        FluxException e = badInput(short39);
        assertTrue(e.getMessage().contains("'" + short39 + "'") && e.getMessage().contains("info-hash"), e.getMessage());
    }

    @Test
    void bare40CharactersThatAreNotHexAreANotValidInfoHash() {
        String notHex = "g" + HEX.substring(1);
        FluxException e = badInput(notHex);
        assertTrue(e.getMessage().contains("not a valid info-hash"), e.getMessage());
    }

    @Test
    void aPathThatDoesNotExistIsRejected(@TempDir Path dir) {
        String missing = dir.resolve("missing.torrent").toString();
        FluxException e = badInput(missing);
        assertTrue(e.getMessage().contains(missing), e.getMessage());
    }

    @Test
    void aDirectoryIsNotATorrentFile(@TempDir Path dir) {
        FluxException e = badInput(dir.toString());
        assertTrue(e.getMessage().contains(".torrent file"), e.getMessage());
    }

    @Test
    void anInvalidUrlIsRejected() {
        FluxException e = badInput("http://exa mple.org/a.torrent");
        assertTrue(e.getMessage().contains("not a valid URL"), e.getMessage());
    }

    /** Hex to base32 through a BigInteger, independent of the parser's bit-buffer decoder. */
    static String base32Of(String hex) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        BigInteger value = new BigInteger(hex, 16);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 32; i++) { // 160 bits = 32 digits of 5 bits, lowest first
            b.append(alphabet.charAt(value.intValue() & 31));
            value = value.shiftRight(5);
        }
        return b.reverse().toString();
    }

    @Test
    void aMagnetThatRanIntoTheNextFieldIsRejectedNotAskedOfAWrongTracker() {
        // `flux seed` prints "magnet<TAB>path"; a script that kept the whole line passed both on,
        // and the path became part of the last tracker's URL ("its tracker did not answer")
        FluxException e = badInput("magnet:?xt=urn:btih:" + HEX + "&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce\t/srv/movie.mkv");
        assertTrue(e.getMessage().contains("a tab at character 105, after '....0.0.1%3A6969%2Fannounce'"), e.getMessage());
        assertTrue(e.hint().contains("quote it whole"), e.hint());

        e = badInput("magnet:?xt=urn:btih:" + HEX + "\nmagnet:?xt=urn:btih:" + HEX);
        assertTrue(e.getMessage().contains("a line break at character 61"), e.getMessage());
        assertEquals(HEX, magnet("magnet:?xt=urn:btih:" + HEX + "\n").infoHash(), "a line break at the end is trimmed");
    }

    @Test
    void aNulCharacterIsBadInputNotACrash() {
        FluxException e = badInput("movie\u0000.torrent");
        assertTrue(e.getMessage().contains("not a magnet link"), e.getMessage());
    }

    @Test
    void anUpperCaseSchemeIsStillAUrl() {
        assertTrue(TorrentInput.parse("HTTPS://example.org/a.torrent") instanceof TorrentInput.TorrentUrl);
    }

    @Test
    void addedTrackersJoinAMagnetsOwnOnceEach() {
        TorrentInput.Magnet m = magnet("magnet:?xt=urn:btih:" + HEX + "&tr=http%3A%2F%2Fa.example%2Fann&x.pe=127.0.0.1:1");
        TorrentInput.Magnet more = m.withTrackers(List.of("udp://b.example:1", "http://a.example/ann"));
        assertEquals(List.of("http://a.example/ann", "udp://b.example:1"), more.trackers());
        assertEquals(m.peers(), more.peers());
        assertEquals(List.of(), more.extraTrackers(), "a magnet lists them all itself");
        assertEquals(magnet(more.uri()), more);
    }

    @Test
    void addedTrackersStayBesideATorrentFile(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("a.torrent"), new byte[]{'d', 'e'});
        TorrentInput in = TorrentInput.parse(file.toString()).withTrackers(List.of("udp://b.example:1"))
                .withTrackers(List.of("udp://b.example:1", "http://c.example/ann"));
        assertEquals(new TorrentInput.TorrentFile(file, List.of("udp://b.example:1", "http://c.example/ann")), in);
        assertEquals(List.of(), TorrentInput.parse(file.toString()).extraTrackers());
    }
}
