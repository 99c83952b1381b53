package flux.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetainfoTest {
    @Test
    void fluxAndBtShareOneParserBuiltOnce() {
        Metainfo.prepareParser();
        Metainfo.prepareParser();
        assertSame(Metainfo.parser(), Metainfo.parser());
        assertSame(Metainfo.parser(), new EngineModule(0, 0, null, null, null, null, null, null, false, false).metadataParser(), "bt's binding is the same parser");
    }

    @Test
    void thePeekAgreesWithBtsParser() throws Exception {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        info.writeBytes(ascii("d5:filesld6:lengthi300e4:pathl5:a.mkveed6:lengthi45e4:pathl5:a.srteee"
                + "4:name3:dir12:piece lengthi16384e6:pieces20:"));
        info.writeBytes(new byte[20]);
        info.write('e');
        ByteArrayOutputStream torrent = new ByteArrayOutputStream();
        torrent.writeBytes(ascii("d8:announce20:http://a.example/ann13:announce-listll20:http://a.example/ann"
                + "el17:udp://b.example:1ee4:info"));
        torrent.writeBytes(info.toByteArray());
        torrent.write('e');
        TorrentInput input = new TorrentInput.TorrentBytes(torrent.toByteArray(), "test");

        Metainfo.Peek peek = Metainfo.peek(input);
        TorrentMeta bt = Metainfo.read(input);

        assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(info.toByteArray()), peek.infoHash());
        assertEquals(bt.infoHash(), HexFormat.of().formatHex(peek.infoHash()));
        assertEquals(List.of("http://a.example/ann", "udp://b.example:1"), peek.trackers());
        assertEquals(345, peek.totalSize());
        assertEquals(bt.totalSize(), peek.totalSize());
        assertThrows(RuntimeException.class, () -> Metainfo.peek(new TorrentInput.TorrentBytes(ascii("d3:fooi1ee"), "x")));
    }

    @Test
    void webSeedsAreTheUrlListOneUrlOrManyAndNoneWithoutIt() {
        String info = "4:infod6:lengthi1e4:name1:a12:piece lengthi16384e6:pieces20:" + "\0".repeat(20) + "e";
        assertEquals(List.of("http://one.example/a"), Metainfo.webSeeds(ascii("d" + info + "8:url-list20:http://one.example/ae")));
        assertEquals(List.of("http://one.example/a", "https://two.example/"), Metainfo.webSeeds(
                ascii("d" + info + "8:url-listl20:http://one.example/a20:https://two.example/0:i3eee")));
        assertEquals(List.of(), Metainfo.webSeeds(ascii("d" + info + "e")));
    }

    @Test
    void theScoutAsksTheAddedTrackersUnlessTheTorrentIsPrivate() {
        String info = "d6:lengthi300e4:name5:a.mkv12:piece lengthi16384e6:pieces20:" + "x".repeat(20);
        String announce = "d8:announce20:http://a.example/ann4:info";
        List<String> added = List.of("udp://b.example:1", "http://a.example/ann");
        TorrentInput open = new TorrentInput.TorrentBytes(ascii(announce + info + "ee"), "open").withTrackers(added);
        TorrentInput closed = new TorrentInput.TorrentBytes(ascii(announce + info + "7:privatei1eee"), "private")
                .withTrackers(added);

        assertEquals(List.of("http://a.example/ann", "udp://b.example:1"), PeerScout.Target.of(open, List.of()).orElseThrow().trackers());
        assertEquals(List.of("http://a.example/ann"), PeerScout.Target.of(closed, List.of()).orElseThrow().trackers());
        assertTrue(Metainfo.peek(closed).isPrivate());
        assertFalse(Metainfo.peek(open).isPrivate());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
