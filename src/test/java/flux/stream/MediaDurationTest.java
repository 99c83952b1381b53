package flux.stream;

import flux.lab.Media;
import flux.lab.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The playing time read from ffmpeg's files, checked against what ffprobe says of the same file,
 * and the bytes it took to read it; then hand-made headers ffmpeg does not write, and damaged ones.
 */
@Timeout(300) // the first run encodes the videos
class MediaDurationTest {
    @Test
    void everyContainerSaysWhatFfprobeSays() throws Exception {
        for (Path video : new Path[]{Media.mp4MoovAtEnd(8, 600), Media.mp4Faststart(8, 600), Media.mkv(8, 600), Media.avi(8, 600)}) {
            byte[] bytes = Files.readAllBytes(video);
            double ffprobe = Double.parseDouble(Tools.run(60, Tools.require("ffprobe"), "-v", "error",
                    "-show_entries", "format=duration", "-of", "csv=p=0", video.toString()).trim());
            AtomicLong read = new AtomicLong();
            OptionalDouble seconds = MediaDuration.seconds(over(bytes, read), bytes.length);
            assertTrue(seconds.isPresent(), video.toString());
            assertEquals(ffprobe, seconds.getAsDouble(), 0.1, video.toString());
            assertEquals(8, seconds.getAsDouble(), 0.2, video + ": ffmpeg was asked for 8 s");
            assertTrue(read.get() <= (256 << 10) + 12, video + ": only headers are read, not " + read.get() + " bytes");
        }
    }

    @Test
    void aMoovAtTheEndIsReadWithoutTheMedia() throws Exception {
        byte[] mp4 = Files.readAllBytes(Media.mp4MoovAtEnd(8, 600));
        AtomicLong read = new AtomicLong();
        assertTrue(MediaDuration.seconds(over(mp4, read), mp4.length).isPresent());
        assertTrue(read.get() < 256, "box headers and the mvhd only: " + read.get() + " bytes");
    }

    @Test
    void aVersion1MvhdHas64BitTimes() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(24 + 8 + 8 + 32);
        b.putInt(24).put(ascii("ftyp")).put(new byte[16]);
        b.putInt(8 + 8 + 32).put(ascii("moov"));
        b.putInt(8 + 32).put(ascii("mvhd")).put((byte) 1).put(new byte[3]).putLong(0).putLong(0)
                .putInt(90_000).putLong(90_000L * 5400); // 90 minutes
        assertEquals(5400, seconds(b.array()).getAsDouble(), 1e-9);
    }

    @Test
    void matroskaDurationIsInItsTimecodeScale() throws Exception {
        ByteBuffer info = ByteBuffer.allocate(64);
        info.put(new byte[]{0x2A, (byte) 0xD7, (byte) 0xB1, (byte) 0x83, 0x07, (byte) 0xA1, 0x20}); // TimecodeScale 500000 ns
        info.put(new byte[]{0x44, (byte) 0x89, (byte) 0x84}).putFloat(7200_000f); // Duration: 7.2e6 units of 0.5 ms
        byte[] infoData = java.util.Arrays.copyOf(info.array(), info.position());
        ByteBuffer b = ByteBuffer.allocate(128);
        b.put(new byte[]{0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x80}); // EBML header, empty
        b.put(new byte[]{0x18, 0x53, (byte) 0x80, 0x67, (byte) 0x01, 0, 0, 0, 0, 0, 0, 0x40}); // Segment, 64 bytes
        b.put(new byte[]{0x15, 0x49, (byte) 0xA9, 0x66, (byte) (0x80 | infoData.length)}).put(infoData);
        assertEquals(3600, seconds(b.array()).getAsDouble(), 1e-6);
    }

    @Test
    void filesThatDoNotSayHaveNone() throws Exception {
        byte[] random = new byte[4096];
        new Random(3).nextBytes(random);
        random[4] = 'x';
        assertFalse(seconds(random).isPresent());
        assertFalse(seconds(new byte[5]).isPresent(), "shorter than any header");
        ByteBuffer noMoov = ByteBuffer.allocate(64);
        noMoov.putInt(24).put(ascii("ftyp")).put(new byte[16]).putInt(40).put(ascii("mdat"));
        assertFalse(seconds(noMoov.array()).isPresent(), "an MP4 cut before its moov");
    }

    @Test
    void damagedHeadersNeverThrowNorSayNonsense() throws Exception {
        Random random = new Random(5);
        for (Path file : new Path[]{Media.mp4Faststart(8, 600), Media.mkv(8, 600), Media.avi(8, 600)}) {
            byte[] clean = Files.readAllBytes(file);
            for (int round = 0; round < 2000; round++) {
                byte[] bytes = clean.clone();
                for (int i = 0; i < 4; i++) {
                    bytes[random.nextInt(1500)] = (byte) random.nextInt(256);
                }
                OptionalDouble seconds = seconds(bytes);
                if (seconds.isPresent()) {
                    double s = seconds.getAsDouble();
                    assertTrue(s > 0 && s <= 7 * 86400, file + ": " + s);
                }
            }
        }
    }

    private static OptionalDouble seconds(byte[] file) throws Exception {
        return MediaDuration.seconds(over(file, new AtomicLong()), file.length);
    }

    /** The file in memory, counting the bytes read. */
    private static MediaDuration.Bytes over(byte[] file, AtomicLong read) {
        return (offset, length) -> {
            int n = (int) Math.max(0, Math.min(length, file.length - offset));
            read.addAndGet(n);
            return ByteBuffer.wrap(file, (int) offset, n).slice();
        };
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
