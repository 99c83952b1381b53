package flux.engine;

/**
 * Who could send a piece now: why a reader waits for it.
 *
 * @param peers     connected peers of the torrent
 * @param have      those that said they have the piece
 * @param unchoking those of them that let flux download (the others choke it)
 */
public record PieceHolders(int peers, int have, int unchoking) {
}
