package flux.stream;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Reads stored bytes of one file (the engine implements it over bt's storage). */
public interface FileData {
    /** Reads up to {@code dst.remaining()} bytes at this file offset; returns the count. */
    int read(ByteBuffer dst, long fileOffset) throws IOException;

    /** Reads exactly {@code dst.remaining()} bytes at this file offset; fails if the stored data ends first. */
    default void readFully(ByteBuffer dst, long fileOffset) throws IOException {
        for (long at = fileOffset; dst.hasRemaining(); ) {
            int n = read(dst, at);
            if (n <= 0) {
                throw new IOException("stored data ends early at " + at);
            }
            at += n;
        }
    }
}
