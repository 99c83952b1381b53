package flux.engine;

import bt.protocol.Choke;
import bt.protocol.Unchoke;
import bt.torrent.annotation.Consumes;
import bt.torrent.messaging.MessageContext;

/**
 * Tracks Choke/Unchoke from the first message on. bt 1.10 registers its own choke consumer only
 * after a magnet's metadata has arrived, so an Unchoke sent during the metadata phase is
 * dropped and bt waits forever for a peer (Transmission) that already unchoked it. Stateless,
 * shared by all torrents; idempotent with bt's own consumer once that one is registered.
 */
public class ChokeStateAgent {
    @Consumes
    public void consume(Choke choke, MessageContext context) {
        context.getConnectionState().setPeerChoking(true);
    }

    @Consumes
    public void consume(Unchoke unchoke, MessageContext context) {
        context.getConnectionState().setPeerChoking(false);
    }
}
