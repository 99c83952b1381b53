package flux.stream;

import java.nio.ByteBuffer;

/**
 * Reads one EBML element header at a time (Matroska, WebM): an ID, then a size, each a
 * variable-length integer (RFC 8794). Positions are indexes into the buffer given, which holds
 * the file from its first byte.
 */
final class Ebml {
    static final int HEADER = 0x1A45DFA3;
    static final int SEGMENT = 0x18538067;
    static final int CLUSTER = 0x1F43B675;

    private final ByteBuffer b;
    int id;
    /** The data's size; -1 for "unknown" (all value bits set). */
    long size;
    long dataAt;
    /** How far the buffer must reach for the header that did not fit; 0 when it fit. */
    private long needed;

    Ebml(ByteBuffer b) {
        this.b = b;
    }

    /** Reads the header at {@code at}; false when it does not fit in the buffer or is malformed. */
    boolean header(long at) {
        needed = 0;
        int idLength = length(at);
        if (idLength < 0 || idLength > 4) {
            return false;
        }
        long sizeAt = at + idLength;
        int sizeLength = length(sizeAt);
        if (sizeLength < 0) {
            return false;
        }
        id = (int) read(at, idLength, false);
        long value = read(sizeAt, sizeLength, true);
        size = value == (1L << (7 * sizeLength)) - 1 ? -1 : value;
        dataAt = sizeAt + sizeLength;
        return true;
    }

    /** After a false {@link #header}: how many bytes from the start the header needs, 0 if it is malformed. */
    long needed() {
        return needed;
    }

    /** The element's data as an unsigned big-endian number (up to 8 bytes). */
    long unsigned() {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (b.get((int) dataAt + i) & 0xFF);
        }
        return v;
    }

    /** The element's data as an IEEE 754 float of 4 or 8 bytes; NaN for any other size. */
    double floating() {
        if (size == 4) {
            return b.getFloat((int) dataAt);
        }
        return size == 8 ? b.getDouble((int) dataAt) : Double.NaN;
    }

    /** Whether the element's data lies within the buffer. */
    boolean dataFits() {
        return size >= 0 && dataAt + size <= b.limit();
    }

    /** The length of the variable-length integer at {@code at}, -1 if it is beyond the buffer or invalid. */
    private int length(long at) {
        if (at >= b.limit()) {
            needed = at + 8;
            return -1;
        }
        int first = b.get((int) at) & 0xFF;
        if (first == 0) {
            return -1;
        }
        int length = Integer.numberOfLeadingZeros(first) - 23;
        if (at + length > b.limit()) {
            needed = at + length;
            return -1;
        }
        return length;
    }

    private long read(long at, int length, boolean dropMarker) {
        long v = b.get((int) at) & 0xFF;
        if (dropMarker) {
            v &= 0xFF >> length;
        }
        for (int i = 1; i < length; i++) {
            v = (v << 8) | (b.get((int) at + i) & 0xFF);
        }
        return v;
    }
}
