package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test videos made by ffmpeg (test pattern + tone), cached under target/lab-media so each is
 * encoded once per build. Without +faststart the MP4 moov atom is at the END, which makes a
 * player read the head and then jump to the tail: the case streaming clients get wrong.
 */
public final class Media {
    private static final Path DIR = Path.of("target", "lab-media");

    private Media() {
    }

    public static synchronized Path mp4MoovAtEnd(int seconds, int kbps) throws IOException, InterruptedException {
        return make("moov-end-" + seconds + "s-" + kbps + "k.mp4", seconds, kbps, "mp4");
    }

    public static synchronized Path mkv(int seconds, int kbps) throws IOException, InterruptedException {
        return make("clip-" + seconds + "s-" + kbps + "k.mkv", seconds, kbps, "matroska");
    }

    /** The same MP4 with the moov atom in front (ffmpeg's +faststart). */
    public static synchronized Path mp4Faststart(int seconds, int kbps) throws IOException, InterruptedException {
        return make("faststart-" + seconds + "s-" + kbps + "k.mp4", seconds, kbps, "mp4", "-movflags", "+faststart");
    }

    /** An AVI: its index (idx1) follows the media, at the end. */
    public static synchronized Path avi(int seconds, int kbps) throws IOException, InterruptedException {
        return make("clip-" + seconds + "s-" + kbps + "k.avi", seconds, kbps, "avi");
    }

    /**
     * The MD5 of each decoded frame of the file's first video stream, in order: the same frames
     * decoded from another container (a player's remux) give the same hashes.
     */
    public static List<String> frameHashes(Path file) throws IOException, InterruptedException {
        String lines = Tools.run(120, Tools.require("ffmpeg"), "-nostdin", "-v", "error", "-i", file.toString(),
                "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "framemd5", "-");
        // "stream, dts, pts, duration, size, hash" per frame, after '#' comments
        return lines.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
    }

    /** Where {@code pattern} last occurs in {@code data}: where a header lies, found without parsing. */
    public static long lastIndexOf(byte[] data, byte[] pattern) {
        for (int i = data.length - pattern.length; i >= 0; i--) {
            if (Arrays.equals(data, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("not in the file");
    }

    private static Path make(String name, int seconds, int kbps, String format, String... muxerOptions)
            throws IOException, InterruptedException {
        Files.createDirectories(DIR);
        Path out = DIR.resolve(name).toAbsolutePath();
        if (Files.isRegularFile(out) && Files.size(out) > 0) {
            return out;
        }
        Path tmp = DIR.resolve(name + ".part." + format).toAbsolutePath();
        List<String> args = new ArrayList<>(List.of(Tools.require("ffmpeg"), "-nostdin", "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", Integer.toString(seconds), "-c:v", "libx264", "-preset", "ultrafast",
                "-b:v", kbps + "k", "-maxrate", kbps + "k", "-bufsize", (kbps * 2) + "k",
                "-x264-params", "nal-hrd=cbr", "-c:a", "aac", "-shortest"));
        args.addAll(List.of(muxerOptions));
        args.addAll(List.of("-f", format, tmp.toString()));
        Tools.run(300, args.toArray(String[]::new));
        Files.move(tmp, out);
        return out;
    }
}
