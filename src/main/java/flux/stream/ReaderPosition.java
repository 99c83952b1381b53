package flux.stream;

/** Where an open reader is: the piece it needs next, and the last piece of the file it reads. */
public record ReaderPosition(int piece, int lastPiece) {
}
