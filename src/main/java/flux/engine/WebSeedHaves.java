package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Have;
import bt.protocol.Message;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.MessageContext;
import com.google.inject.Inject;
import com.google.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells every connected peer of each piece a web seed delivered. bt sends a Have only for the
 * pieces its own peers delivered, so a leecher connected to a stream that a web seed fed saw
 * nothing new after flux's bitfield (a libtorrent leecher stood at the 63 of 162 pieces it was
 * told of for 8 s while flux had them). A connection is told of what came after its first turn
 * here; what came before is in the bitfield it was sent. Shared by all torrents, like bt's agents.
 */
@Singleton
public class WebSeedHaves {
    private final Map<TorrentId, List<Integer>> delivered = new ConcurrentHashMap<>();
    /** For each connection, how many of its torrent's delivered pieces it was told of. */
    private final Map<ConnectionKey, Integer> told = new ConcurrentHashMap<>();

    @Inject
    public WebSeedHaves() {
    }

    void delivered(TorrentId torrent, int piece) {
        delivered.computeIfAbsent(torrent, t -> new CopyOnWriteArrayList<>()).add(piece);
    }

    void disconnected(ConnectionKey connection) {
        told.remove(connection);
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        List<Integer> pieces = context.getTorrentId() == null ? null : delivered.get(context.getTorrentId());
        if (pieces == null) {
            return;
        }
        int now = pieces.size();
        Integer before = told.put(context.getConnectionKey(), now);
        for (int i = before == null ? now : before; i < now; i++) {
            messages.accept(new Have(pieces.get(i)));
        }
    }
}
