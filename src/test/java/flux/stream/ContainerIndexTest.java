package flux.stream;

import flux.lab.Media;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index's place read from ffmpeg's files, checked against where the index's own header
 * is found by a byte search from the end of the file; then damaged and cut heads.
 */
@Timeout(300) // the first run encodes the videos
class ContainerIndexTest {
    private static final int HEAD = 64 << 10;

    @Test
    void aMoovAtTheEndIsFoundAfterTheMdat() throws Exception {
        byte[] mp4 = Files.readAllBytes(Media.mp4MoovAtEnd(8, 600));
        long moov = Media.lastIndexOf(mp4, "moov".getBytes(StandardCharsets.US_ASCII)) - 4;
        assertEquals(new ContainerIndex.AtEnd(moov, mp4.length, "moov"), locate(mp4, HEAD));
    }

    @Test
    void aFaststartMp4HasNothingAtTheEnd() throws Exception {
        byte[] mp4 = Files.readAllBytes(Media.mp4Faststart(8, 600));
        assertEquals(new ContainerIndex.InFront("moov"), locate(mp4, HEAD));
    }

    @Test
    void matroskaCuesAfterTheClustersAreFoundThroughTheSeekHead() throws Exception {
        byte[] mkv = Files.readAllBytes(Media.mkv(8, 600));
        long cues = Media.lastIndexOf(mkv, new byte[]{0x1C, 0x53, (byte) 0xBB, 0x6B});
        assertTrue(cues > mkv.length / 2, "ffmpeg writes the Cues after the clusters");
        assertEquals(new ContainerIndex.AtEnd(cues, mkv.length, "Cues"), locate(mkv, HEAD));
    }

    @Test
    void anAviIndexFollowsItsMoviList() throws Exception {
        byte[] avi = Files.readAllBytes(Media.avi(8, 600));
        long idx1 = Media.lastIndexOf(avi, "idx1".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new ContainerIndex.AtEnd(idx1, avi.length, "idx1"), locate(avi, HEAD));
    }

    @Test
    void aHeadCutShortAsksForTheBytesItNeedsAndThenAnswersAsWithAllOfIt() throws Exception {
        for (Path file : new Path[]{Media.mp4MoovAtEnd(8, 600), Media.mkv(8, 600), Media.avi(8, 600)}) {
            byte[] bytes = Files.readAllBytes(file);
            ContainerIndex.Where whole = locate(bytes, HEAD);
            int have = 0;
            ContainerIndex.Where where = locate(bytes, have);
            for (int asked = 0; where instanceof ContainerIndex.NeedMore more; asked++) {
                assertTrue(asked < 50 && more.bytes() > have, file + ": asked for " + more.bytes() + " with " + have);
                have = (int) more.bytes();
                where = locate(bytes, have);
            }
            assertEquals(whole, where, file.toString());
        }
    }

    @Test
    void otherDataIsNotFound() {
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        random[4] = 'x'; // not "ftyp" by chance
        assertInstanceOf(ContainerIndex.NotFound.class, locate(random, random.length));
        byte[] ts = new byte[4096];
        for (int i = 0; i < ts.length; i += 188) {
            ts[i] = 0x47; // MPEG-TS sync bytes: no index anywhere
        }
        assertInstanceOf(ContainerIndex.NotFound.class, locate(ts, ts.length));
    }

    @Test
    void boxSizesThatLeaveTheFileOrCannotBeAreNotFound() {
        assertInstanceOf(ContainerIndex.NotFound.class, locate(mp4Boxes(box("ftyp", 24), box("mdat", 176)), 200),
                "an mdat that ends the file: no moov after it");
        assertEquals(new ContainerIndex.AtEnd(32, 200, "moov"), locate(mp4Boxes(box("ftyp", 24), box("mdat", 8)), 200));
        byte[] tooBig = mp4Boxes(box("ftyp", 24), box("mdat", 100_000));
        assertInstanceOf(ContainerIndex.NotFound.class, locate(tooBig, 200));
        byte[] tooSmall = mp4Boxes(box("ftyp", 24), box("free", 3));
        assertInstanceOf(ContainerIndex.NotFound.class, locate(tooSmall, 200));
        byte[] toTheEnd = mp4Boxes(box("ftyp", 24), box("mdat", 0));
        assertInstanceOf(ContainerIndex.NotFound.class, locate(toTheEnd, 200));
    }

    @Test
    void a64BitMdatSizeIsRead() {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put(box("ftyp", 24)).putInt(1).put("mdat".getBytes(StandardCharsets.US_ASCII)).putLong(1000);
        assertEquals(new ContainerIndex.AtEnd(1024, 5000, "moov"), ContainerIndex.locate(b.flip(), 5000));
    }

    @Test
    void damagedHeadersNeverThrow() throws Exception {
        Random random = new Random(11);
        for (Path file : new Path[]{Media.mp4MoovAtEnd(8, 600), Media.mkv(8, 600), Media.avi(8, 600)}) {
            byte[] clean = Files.readAllBytes(file);
            for (int round = 0; round < 2000; round++) {
                byte[] bytes = clean.clone();
                for (int i = 0; i < 4; i++) {
                    bytes[random.nextInt(700)] = (byte) random.nextInt(256);
                }
                int have = random.nextInt(HEAD);
                ContainerIndex.Where where = locate(bytes, have);
                if (where instanceof ContainerIndex.AtEnd end) {
                    assertTrue(end.from() >= 0 && end.from() < end.to() && end.to() <= bytes.length, end.toString());
                }
            }
        }
    }

    private static ContainerIndex.Where locate(byte[] file, int headBytes) {
        return ContainerIndex.locate(ByteBuffer.wrap(file, 0, Math.min(headBytes, file.length)).slice(), file.length);
    }

    /** A box header: 32-bit size, type, then zeros up to the size (at most 32 bytes written). */
    private static byte[] box(String type, int size) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(8, Math.min(size, 32)));
        b.putInt(size).put(type.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private static byte[] mp4Boxes(byte[]... boxes) {
        ByteBuffer b = ByteBuffer.allocate(200);
        for (byte[] box : boxes) {
            b.put(box);
        }
        return b.array();
    }
}
