package flux.stream;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Reads stored bytes of one file (the engine implements it over bt's storage). */
public interface FileData {
    /** Reads up to {@code dst.remaining()} bytes at this file offset; returns the count. */
    int read(ByteBuffer dst, long fileOffset) throws IOException;
}
