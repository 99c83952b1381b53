package flux.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * A video's playing time, read from its container's headers: an MP4's mvhd (in the moov, at
 * either end of the file), Matroska's Info (Duration in TimecodeScale units, before the first
 * Cluster), an AVI's avih (frames times microseconds per frame; OpenDML's dmlh for the frames of
 * a file over 1 GiB). With the file's size it turns "bytes ahead of the player" into seconds of
 * playback and tells whether the download keeps up with the video.
 *
 * <p>Only headers are read, a few bytes at a time where they lie; a size that leaves the file, an
 * unknown size or anything unexpected gives an empty answer.
 */
public final class MediaDuration {
    /** How much of the head holds a Matroska file's Info or an AVI's header list. */
    private static final int HEAD = 256 << 10;
    private static final int MOST_ELEMENTS = 256;
    /** Longer than this is no film: a damaged header. */
    private static final double MOST_SECONDS = TimeUnit.DAYS.toSeconds(7);
    private static final int INFO = 0x1549A966;
    private static final int TIMECODE_SCALE = 0x2AD7B1;
    private static final int DURATION = 0x4489;

    /** The file's bytes, read where they lie (for a stream: once they are downloaded). */
    public interface Bytes {
        /** Up to {@code length} bytes from {@code offset} (fewer at the end of the file), from position 0. */
        ByteBuffer read(long offset, int length) throws IOException, InterruptedException;
    }

    private MediaDuration() {
    }

    /** The playing time in seconds; empty when the file is no MP4, Matroska or AVI file or does not say. */
    public static OptionalDouble seconds(Bytes file, long fileLength) throws IOException, InterruptedException {
        ByteBuffer start = bigEndian(file.read(0, (int) Math.min(12, fileLength)));
        if (start.limit() < 12) {
            return OptionalDouble.empty();
        }
        double seconds;
        if (start.getInt(0) == Ebml.HEADER) {
            seconds = matroska(bigEndian(file.read(0, (int) Math.min(HEAD, fileLength))));
        } else if (start.getInt(0) == 0x52494646 && start.getInt(8) == 0x41564920) { // "RIFF" .... "AVI "
            seconds = avi(file.read(0, (int) Math.min(HEAD, fileLength)).order(ByteOrder.LITTLE_ENDIAN));
        } else if (start.getInt(4) == 0x66747970) { // "ftyp"
            seconds = isoMedia(file, fileLength);
        } else {
            seconds = Double.NaN;
        }
        return seconds > 0 && seconds <= MOST_SECONDS ? OptionalDouble.of(seconds) : OptionalDouble.empty();
    }

    /** Top-level boxes up to the moov, then its boxes up to the mvhd. */
    private static double isoMedia(Bytes file, long fileLength) throws IOException, InterruptedException {
        Box moov = Box.find(file, 0, fileLength, 0x6D6F6F76);
        Box mvhd = moov == null ? null : Box.find(file, moov.dataAt, moov.end, 0x6D766864);
        if (mvhd == null || mvhd.end - mvhd.dataAt < 32) {
            return Double.NaN;
        }
        ByteBuffer b = bigEndian(file.read(mvhd.dataAt, 32));
        if (b.limit() < 32) {
            return Double.NaN;
        }
        boolean wide = b.get(0) == 1; // version 1: 64-bit times and duration
        long timescale = b.getInt(wide ? 20 : 12) & 0xFFFFFFFFL;
        long duration = wide ? b.getLong(24) : b.getInt(16) & 0xFFFFFFFFL;
        boolean unknown = wide ? duration == -1 : duration == 0xFFFFFFFFL;
        return timescale == 0 || unknown || duration < 0 ? Double.NaN : (double) duration / timescale;
    }

    /** An ISO box: its data from {@code dataAt} to {@code end}. */
    private record Box(long dataAt, long end) {
        /** The first box of {@code type} among the boxes from {@code from} to {@code to}; null if none. */
        static Box find(Bytes file, long from, long to, int type) throws IOException, InterruptedException {
            long at = from;
            for (int n = 0; n < MOST_ELEMENTS && at + 8 <= to; n++) {
                ByteBuffer h = bigEndian(file.read(at, 16));
                if (h.limit() < 8) {
                    return null;
                }
                long size = h.getInt(0) & 0xFFFFFFFFL;
                int header = 8;
                if (size == 1) { // a 64-bit size follows the type
                    if (h.limit() < 16) {
                        return null;
                    }
                    size = h.getLong(8);
                    header = 16;
                } else if (size == 0) {
                    size = to - at; // to the end
                }
                if (size < header || size > to - at) {
                    return null;
                }
                if (h.getInt(4) == type) {
                    return new Box(at + header, at + size);
                }
                at += size;
            }
            return null;
        }
    }

    /** The Segment's Info: Duration (a float) times TimecodeScale (nanoseconds, 1 ms unless said). */
    private static double matroska(ByteBuffer b) {
        Ebml e = new Ebml(b);
        if (!e.header(0) || e.id != Ebml.HEADER || e.size < 0 || !e.header(e.dataAt + e.size) || e.id != Ebml.SEGMENT) {
            return Double.NaN;
        }
        long at = e.dataAt;
        for (int n = 0; n < MOST_ELEMENTS && e.header(at) && e.id != Ebml.CLUSTER && e.size >= 0; n++) {
            if (e.id == INFO) {
                return e.dataFits() ? info(b, e.dataAt, e.dataAt + e.size) : Double.NaN;
            }
            at = e.dataAt + e.size;
        }
        return Double.NaN;
    }

    private static double info(ByteBuffer b, long from, long to) {
        Ebml field = new Ebml(b);
        long scale = 1_000_000;
        double duration = Double.NaN;
        for (long at = from; at < to; at = field.dataAt + field.size) {
            if (!field.header(at) || field.size < 0 || field.dataAt + field.size > to) {
                return Double.NaN;
            }
            if (field.id == TIMECODE_SCALE && field.size >= 1 && field.size <= 8) {
                scale = field.unsigned();
            } else if (field.id == DURATION) {
                duration = field.floating();
            }
        }
        return duration * scale / 1e9;
    }

    /** The hdrl list's avih (microseconds per frame, frames in the first RIFF) and OpenDML's dmlh (all frames). */
    private static double avi(ByteBuffer le) {
        long microsPerFrame = -1;
        long frames = -1;
        long hdrl = list(le, 12, le.limit(), 0x6C726468); // "hdrl" (little-endian)
        if (hdrl < 0) {
            return Double.NaN;
        }
        long end = Math.min(le.limit(), hdrl + (le.getInt((int) hdrl - 4) & 0xFFFFFFFFL));
        for (long at = hdrl + 4; at + 8 <= end; ) {
            int id = le.getInt((int) at);
            long size = le.getInt((int) at + 4) & 0xFFFFFFFFL;
            if (at + 8 + size > end) {
                break;
            }
            if (id == 0x68697661 && size >= 20) { // "avih"
                microsPerFrame = le.getInt((int) at + 8) & 0xFFFFFFFFL;
                frames = Math.max(frames, le.getInt((int) at + 24) & 0xFFFFFFFFL);
            } else if (id == 0x5453494C && size >= 16 && le.getInt((int) at + 8) == 0x6C6D646F // LIST "odml"
                    && le.getInt((int) at + 12) == 0x686C6D64) { // "dmlh"
                frames = Math.max(frames, le.getInt((int) at + 20) & 0xFFFFFFFFL);
            }
            at += 8 + size + (size & 1);
        }
        return microsPerFrame <= 0 || frames <= 0 ? Double.NaN : frames * (microsPerFrame / 1e6);
    }

    /** Where the list of {@code type} among the chunks from {@code from} has its data (its type, then its chunks); -1 if none. */
    private static long list(ByteBuffer le, long from, long to, int type) {
        long at = from;
        for (int n = 0; n < MOST_ELEMENTS && at + 12 <= to; n++) {
            long size = le.getInt((int) at + 4) & 0xFFFFFFFFL;
            if (le.getInt((int) at) == 0x5453494C && le.getInt((int) at + 8) == type) { // "LIST"
                return at + 8;
            }
            at += 8 + size + (size & 1);
        }
        return -1;
    }

    private static ByteBuffer bigEndian(ByteBuffer b) {
        return b.order(ByteOrder.BIG_ENDIAN);
    }
}
