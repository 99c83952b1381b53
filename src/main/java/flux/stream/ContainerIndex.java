package flux.stream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Where a video's index lies, read from the first bytes of the file: the bytes a player reads
 * beyond the head when it opens the file. mpv (measured on ffmpeg's files) reads a moov-at-end
 * MP4's head, then exactly its moov, then the media; an AVI's head, then its idx1; a faststart
 * MP4 or a Matroska file from the start only (Matroska's Cues are read on the first seek). A blunt
 * "last 2 MiB or 0.5 %" tail fetches too little for a long film's moov and megabytes nobody reads
 * for the others, taken from the head's read-ahead while the player starts.
 *
 * <p>Only box, chunk and element headers are read (ISO base media file format, RIFF, EBML); a
 * size that points outside the file, or anything unexpected, gives {@link NotFound}.
 */
public final class ContainerIndex {
    /** Top-level boxes, chunks or elements looked at before giving up. */
    private static final int MOST_ELEMENTS = 256;
    private static final int SEEK_HEAD = 0x114D9B74;
    private static final int SEEK = 0x4DBB;
    private static final int SEEK_POSITION = 0x53AC;

    private ContainerIndex() {
    }

    /** What the head tells. */
    public sealed interface Where permits AtEnd, InFront, NotFound, NeedMore {
    }

    /** The bytes {@code from..to-1} after the media: a moov or idx1 (read at open), Matroska's Cues (read at the first seek). */
    public record AtEnd(long from, long to, String what) implements Where {
    }

    /** The index is in the head (a faststart MP4): nothing at the end is read at open. */
    public record InFront(String what) implements Where {
    }

    /** Not a container read here, or a damaged one. */
    public record NotFound() implements Where {
    }

    /** A header lies beyond the bytes given: ask again with at least {@code bytes} of the head. */
    public record NeedMore(long bytes) implements Where {
    }

    /**
     * @param head       the file's first bytes (position 0 .. limit)
     * @param fileLength the whole file's length
     */
    public static Where locate(ByteBuffer head, long fileLength) {
        ByteBuffer b = head.duplicate().order(ByteOrder.BIG_ENDIAN);
        b.position(0);
        if (b.limit() < 12) {
            return new NeedMore(12);
        }
        if (b.getInt(0) == Ebml.HEADER) {
            return matroska(b, fileLength);
        }
        if (b.getInt(0) == 0x52494646 && b.getInt(8) == 0x41564920) { // "RIFF" .... "AVI "
            return avi(b, fileLength);
        }
        if (b.getInt(4) == 0x66747970) { // "ftyp": an ISO base media file (MP4, MOV, M4V)
            return isoMedia(b, fileLength);
        }
        return new NotFound();
    }

    /** Top-level boxes: a moov before the mdat is in front; else it follows the mdat. */
    private static Where isoMedia(ByteBuffer b, long fileLength) {
        long at = 0;
        for (int n = 0; n < MOST_ELEMENTS && at < fileLength; n++) {
            if (at + 8 > b.limit()) {
                return new NeedMore(at + 8);
            }
            long size = b.getInt((int) at) & 0xFFFFFFFFL;
            int type = b.getInt((int) at + 4);
            if (size == 1) { // a 64-bit size follows the type
                if (at + 16 > b.limit()) {
                    return new NeedMore(at + 16);
                }
                size = b.getLong((int) at + 8);
            } else if (size == 0) {
                size = fileLength - at; // to the end of the file
            }
            if (size < 8 || size > fileLength - at) {
                return new NotFound();
            }
            if (type == 0x6D6F6F76) { // moov
                return new InFront("moov");
            }
            if (type == 0x6D646174) { // mdat: whatever follows it holds the moov
                long after = at + size;
                return after < fileLength ? new AtEnd(after, fileLength, "moov") : new NotFound();
            }
            at += size;
        }
        return new NotFound();
    }

    /** RIFF chunks: idx1 follows the movi list, up to the end of the first RIFF. */
    private static Where avi(ByteBuffer b, long fileLength) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long riffEnd = Math.min(fileLength, 8 + (le.getInt(4) & 0xFFFFFFFFL));
        long at = 12;
        for (int n = 0; n < MOST_ELEMENTS && at < riffEnd; n++) {
            if (at + 12 > b.limit()) {
                return new NeedMore(at + 12);
            }
            long size = le.getInt((int) at + 4) & 0xFFFFFFFFL;
            long next = at + 8 + size + (size & 1);
            if (next > riffEnd) {
                return new NotFound();
            }
            if (b.getInt((int) at) == 0x4C495354 && b.getInt((int) at + 8) == 0x6D6F7669) { // LIST movi
                return next < riffEnd ? new AtEnd(next, riffEnd, "idx1") : new InFront("no idx1");
            }
            at = next;
        }
        return new NotFound();
    }

    /**
     * EBML: the Segment's SeekHead says where its top-level elements are; those after the first
     * Cluster (Cues, Tags, a second SeekHead) are what lies at the end.
     */
    private static Where matroska(ByteBuffer b, long fileLength) {
        Ebml e = new Ebml(b);
        if (!e.header(0) || e.id != Ebml.HEADER || e.size < 0 || e.size > fileLength) {
            return needMore(e, new NotFound());
        }
        long segmentAt = e.dataAt + e.size;
        if (!e.header(segmentAt) || e.id != Ebml.SEGMENT) {
            return needMore(e, new NotFound());
        }
        long segmentData = e.dataAt;
        long at = segmentData;
        List<Long> targets = List.of();
        for (int n = 0; n < MOST_ELEMENTS && at < fileLength; n++) {
            if (!e.header(at)) {
                return needMore(e, new NotFound());
            }
            if (e.id == Ebml.CLUSTER) {
                long firstCluster = at;
                long from = targets.stream().map(t -> segmentData + t).filter(t -> t > firstCluster && t < fileLength)
                        .min(Long::compare).orElse(-1L);
                return from < 0 ? new InFront("no Cues after the clusters") : new AtEnd(from, fileLength, "Cues");
            }
            if (e.size < 0 || e.dataAt + e.size > fileLength) {
                return new NotFound(); // an element of unknown size before any Cluster cannot be skipped
            }
            if (e.id == SEEK_HEAD) {
                if (e.dataAt + e.size > b.limit()) {
                    return new NeedMore(e.dataAt + e.size);
                }
                targets = seekPositions(b, e.dataAt, e.dataAt + e.size);
                if (targets == null) {
                    return new NotFound();
                }
            }
            at = e.dataAt + e.size;
        }
        return new NotFound();
    }

    /** Where the header fell off the head: NeedMore; else the given verdict. */
    private static Where needMore(Ebml e, Where otherwise) {
        return e.needed() > 0 ? new NeedMore(e.needed()) : otherwise;
    }

    /** The SeekPosition of each Seek in a SeekHead's data; null when the data is malformed. */
    private static List<Long> seekPositions(ByteBuffer b, long from, long to) {
        Ebml e = new Ebml(b);
        List<Long> positions = new java.util.ArrayList<>();
        for (long at = from; at < to; at = e.dataAt + e.size) {
            if (!e.header(at) || e.size < 0 || e.dataAt + e.size > to) {
                return null;
            }
            if (e.id != SEEK) {
                continue; // CRC-32, Void
            }
            long seekEnd = e.dataAt + e.size;
            Ebml field = new Ebml(b);
            for (long f = e.dataAt; f < seekEnd; f = field.dataAt + field.size) {
                if (!field.header(f) || field.size < 0 || field.dataAt + field.size > seekEnd) {
                    return null;
                }
                if (field.id == SEEK_POSITION && field.size <= 8) {
                    positions.add(field.unsigned());
                }
            }
        }
        return positions;
    }
}
