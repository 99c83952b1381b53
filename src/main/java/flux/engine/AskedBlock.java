package flux.engine;

import bt.protocol.Request;

/**
 * A block asked of a peer by {@link UrgentRequests} (or by bt before its piece was sought), with
 * its key in the peer's pending requests, made once: the asked blocks are looked up there on
 * every turn of bt's message loop.
 */
final class AskedBlock {
    final PeerView peer;
    final Request request;
    final Object key;

    AskedBlock(PeerView peer, Request request) {
        this.peer = peer;
        this.request = request;
        this.key = Blocks.key(request);
    }

    /**
     * True while the block is pending at its peer, or came from it and is being written. Taken for
     * dropped, blocks being written were asked for a second time, one by one as they came (a
     * Transmission seeder at 600 KiB/s then sent each of them twice).
     */
    boolean awaited() {
        return peer.pending().contains(key) || BtAssignments.beingWritten(peer.state, key);
    }
}
