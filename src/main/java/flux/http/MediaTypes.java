package flux.http;

import io.undertow.util.MimeMappings;

import java.util.Locale;
import java.util.Set;

/** Content types from file names: Undertow's table plus the media types it lacks. */
public final class MediaTypes {
    private static final MimeMappings MAPPINGS = MimeMappings.builder(true)
            .addMapping("mkv", "video/x-matroska")
            .addMapping("mka", "audio/x-matroska")
            .addMapping("webm", "video/webm")
            .addMapping("mp4", "video/mp4")
            .addMapping("m4v", "video/mp4")
            .addMapping("m4a", "audio/mp4")
            .addMapping("ogg", "audio/ogg")
            .addMapping("ogv", "video/ogg")
            .addMapping("aac", "audio/aac")
            .addMapping("wmv", "video/x-ms-wmv")
            .addMapping("flv", "video/x-flv")
            .addMapping("3gp", "video/3gpp")
            .addMapping("mov", "video/quicktime")
            .addMapping("ts", "video/mp2t")
            .addMapping("flac", "audio/flac")
            .addMapping("opus", "audio/opus")
            .addMapping("srt", "application/x-subrip")
            .addMapping("vtt", "text/vtt")
            .addMapping("ass", "text/x-ssa")
            .addMapping("m3u", "audio/x-mpegurl")
            .build();

    private static final Set<String> VIDEO = Set.of("mp4", "m4v", "mkv", "webm", "avi", "mov", "ts", "mpg", "mpeg",
            "wmv", "flv", "ogv", "3gp");
    private static final Set<String> AUDIO = Set.of("mp3", "m4a", "flac", "ogg", "opus", "wav", "aac", "mka");

    private static final Set<String> SUBTITLES = Set.of("srt", "ass", "ssa", "vtt", "sub");

    /**
     * DLNA's fourth field of a protocol info, for a TV: byte ranges are served (OP=01), the file is
     * not transcoded (CI=0), and it is sent as a stream, in DLNA 1.5's terms (the flags).
     */
    public static final String DLNA_CONTENT_FEATURES = "DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000";

    private MediaTypes() {
    }

    public static boolean isSubtitle(String fileName) {
        return SUBTITLES.contains(extension(fileName));
    }

    public static String of(String fileName) {
        String type = MAPPINGS.getMimeType(extension(fileName));
        return type == null ? "application/octet-stream" : type;
    }

    public static boolean isVideo(String fileName) {
        return VIDEO.contains(extension(fileName));
    }

    public static boolean isPlayable(String fileName) {
        return isVideo(fileName) || AUDIO.contains(extension(fileName));
    }

    static String extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
