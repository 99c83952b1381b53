package flux.stream;

/**
 * Where one file of a torrent lies in the torrent's piece space. Offsets are byte offsets
 * inside the file unless a name says "torrent".
 */
public record PieceLayout(long pieceLength, long torrentSize, long fileStart, long fileLength) {

    public PieceLayout {
        if (pieceLength <= 0 || fileStart < 0 || fileLength < 0 || fileStart + fileLength > torrentSize) {
            throw new IllegalArgumentException("inconsistent layout: piece " + pieceLength + ", torrent "
                    + torrentSize + ", file at " + fileStart + " +" + fileLength);
        }
    }

    public int pieceCount() {
        return (int) ((torrentSize + pieceLength - 1) / pieceLength);
    }

    /** The piece holding the byte at this file offset. */
    public int pieceAt(long fileOffset) {
        return (int) ((fileStart + fileOffset) / pieceLength);
    }

    public int firstPiece() {
        return pieceAt(0);
    }

    /** The last piece holding a byte of the file (the first piece for an empty file). */
    public int lastPiece() {
        return fileLength == 0 ? firstPiece() : pieceAt(fileLength - 1);
    }

    /** File offset just past the bytes of {@code piece} that belong to this file. */
    public long pieceEndInFile(int piece) {
        long end = (piece + 1L) * pieceLength - fileStart;
        return Math.min(end, fileLength);
    }

    /** Number of pieces needed to cover this many bytes (at least one). */
    public int piecesFor(long bytes) {
        return (int) Math.max(1, (bytes + pieceLength - 1) / pieceLength);
    }
}
