package flux.engine;

import bt.protocol.Request;
import bt.torrent.annotation.Consumes;
import bt.torrent.messaging.MessageContext;

import java.util.Set;

/**
 * A peer's Request for a block it cancelled before is answered. bt notes each Cancel a peer sends
 * and skips the next block of that key it would send, but a Cancel that comes after the block went
 * out stays noted: when the peer asks for that block again, bt skips the answer, and the peer
 * waits until its request times out. libtorrent cancels and asks again as it moves its
 * time-critical pieces between peers, and a libtorrent streamer reading 1 GiB from `flux seed`
 * stalled for ~3 minutes in 6 of 9 runs, its request queue full of blocks the seeder never sent.
 * A new Request therefore clears the note; a block asked for, cancelled and asked for again
 * before it went out is then sent twice, which the peer drops.
 */
public class RequestAfterCancel {
    @Consumes
    public void consume(Request request, MessageContext context) {
        Set<Object> cancelled = context.getConnectionState().getCancelledPeerRequests();
        if (!cancelled.isEmpty()) { // most peers never cancel: no key built for each of their requests
            cancelled.remove(Blocks.key(request));
        }
    }
}
