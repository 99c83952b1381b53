package flux.stream;

/**
 * Where an open reader is.
 *
 * @param piece     the piece it needs next
 * @param lastPiece the last piece it will read (its range's or file's end)
 * @param sought    true when the reader got to {@code piece} by opening or seeking there, false
 *                  when by reading on from the piece before
 * @param hurried   true when its pieces kept it waiting: the swarm sends each one slower than
 *                  the reader reads ({@link ReaderRegistry.Cursor#waiting}, {@link
 *                  ReaderRegistry.Cursor#stillWaiting})
 */
public record ReaderPosition(int piece, int lastPiece, boolean sought, boolean hurried) {
    public ReaderPosition(int piece, int lastPiece, boolean sought) {
        this(piece, lastPiece, sought, false);
    }
}
