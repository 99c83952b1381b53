package flux.engine;

import java.util.List;

/**
 * A peer's older requests, cancelled by {@link UrgentRequests} to make way for a sought piece and
 * asked again when it is in; every fetch started with them shares them.
 */
final class HeldBack {
    final PeerView peer;
    final List<AskedBlock> requests;
    /** Asked again already, by another piece fetched with this one. */
    boolean askedAgain;

    HeldBack(PeerView peer, List<AskedBlock> requests) {
        this.peer = peer;
        this.requests = requests;
    }
}
