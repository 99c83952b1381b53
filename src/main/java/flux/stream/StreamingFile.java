package flux.stream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * One file of a torrent as readers see it: reads block until the piece under them is
 * verified, and each reader's position steers the download order.
 */
public final class StreamingFile {
    private final String name;
    private final PieceLayout layout;
    private final VerifiedPieces verified;
    private final ReaderRegistry readers;
    private final FileData data;

    public StreamingFile(String name, PieceLayout layout, VerifiedPieces verified, ReaderRegistry readers, FileData data) {
        this.name = name;
        this.layout = layout;
        this.verified = verified;
        this.readers = readers;
        this.data = data;
    }

    public String name() {
        return name;
    }

    public long length() {
        return layout.fileLength();
    }

    public PieceLayout layout() {
        return layout;
    }

    /** True when every piece of this file is verified. */
    public boolean complete() {
        return layout.fileLength() == 0 || verified.countIn(layout.firstPiece(), layout.lastPiece()) == layout.lastPiece() - layout.firstPiece() + 1;
    }

    /** True when the byte at {@code fileOffset} can be read without waiting. */
    public boolean hasByteAt(long fileOffset) {
        return fileOffset < layout.fileLength() && verified.isVerified(layout.pieceAt(fileOffset));
    }

    /** Bytes verified contiguously from {@code fileOffset} on (what a reader there can read without waiting). */
    public long availableFrom(long fileOffset) {
        long pos = fileOffset;
        while (pos < layout.fileLength() && verified.isVerified(layout.pieceAt(pos))) {
            pos = layout.pieceEndInFile(layout.pieceAt(pos));
        }
        return pos - fileOffset;
    }

    /** A reader from {@code fileOffset} to the end of the file. */
    public Reader open(long fileOffset) {
        return open(fileOffset, layout.fileLength() - 1);
    }

    /** A reader of the bytes {@code fileOffset..lastByte}: the download steers by both ends. */
    public Reader open(long fileOffset, long lastByte) {
        long lastInFile = Math.max(0, layout.fileLength() - 1);
        int first = layout.pieceAt(Math.min(fileOffset, lastInFile));
        int last = Math.max(first, layout.pieceAt(Math.min(lastByte, lastInFile)));
        return new Reader(readers.open(first, last, layout.lastPiece()));
    }

    /** A sequential reader; each one is a cursor in the priority model until closed. */
    public final class Reader implements AutoCloseable {
        private final ReaderRegistry.Cursor cursor;
        private volatile boolean closed;

        private Reader(ReaderRegistry.Cursor cursor) {
            this.cursor = cursor;
        }

        /**
         * Reads up to {@code dst.remaining()} bytes at {@code fileOffset}, never past the end of
         * the piece holding it, waiting as long as it takes for that piece to be verified.
         * Returns -1 at the end of the file.
         */
        public int read(ByteBuffer dst, long fileOffset) throws IOException {
            if (fileOffset >= layout.fileLength()) {
                return -1;
            }
            int piece = layout.pieceAt(fileOffset);
            cursor.moveTo(piece);
            if (!verified.isVerified(piece)) {
                awaitPiece(piece);
            }
            long pieceEnd = layout.pieceEndInFile(piece);
            int want = (int) Math.min(dst.remaining(), pieceEnd - fileOffset);
            data.readFully(dst.slice().limit(want), fileOffset);
            dst.position(dst.position() + want);
            if (fileOffset + want >= pieceEnd && pieceEnd < layout.fileLength()) {
                cursor.moveTo(piece + 1);
            }
            return want;
        }

        /** Blocks until the piece is verified; the registry knows meanwhile that this reader waits, and since when. */
        private void awaitPiece(int piece) throws InterruptedIOException {
            cursor.waiting(true);
            try {
                long step = ReaderRegistry.HURRY_AFTER_MILLIS;
                while (!verified.await(piece, step)) {
                    if (closed) {
                        throw new InterruptedIOException("reader closed");
                    }
                    cursor.stillWaiting();
                    step = 250;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for piece " + piece);
            } finally {
                cursor.waiting(false);
            }
        }

        @Override
        public void close() {
            closed = true;
            cursor.close();
        }
    }
}
