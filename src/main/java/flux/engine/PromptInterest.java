package flux.engine;

import bt.metainfo.TorrentId;
import bt.net.ConnectionKey;
import bt.protocol.Bitfield;
import bt.protocol.Have;
import bt.protocol.Interested;
import bt.protocol.Message;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.MessageContext;
import com.google.inject.Inject;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Tells a peer "interested" as soon as its bitfield or a Have names a piece flux still lacks.
 * bt decides whom it is interested in only in its assignment rounds, at most once a second, so a
 * peer whose bitfield came just after a round waited up to a second before bt asked it for
 * anything. Measured with a .torrent input: Transmission's bitfield started a round, aria2c's
 * came 75 ms later, and bt said "interested" to aria2c (which unchokes at once; Transmission
 * unchokes on a 10 s timer) 0.95 s after that: the first byte at 2.0 s instead of 1.1 s. bt's
 * later rounds stay in charge (they say "not interested" when nothing is wanted from the peer).
 * Shared by all torrents, like bt's own agents.
 */
public class PromptInterest {
    private final Function<TorrentId, IntPredicate> lacking;
    private final Set<ConnectionKey> toTell = ConcurrentHashMap.newKeySet();

    @Inject
    public PromptInterest(TorrentRegistry torrents) {
        this(lackingIn(torrents));
    }

    /** The pieces each torrent still lacks; null while its metadata is unknown. */
    static Function<TorrentId, IntPredicate> lackingIn(TorrentRegistry torrents) {
        return id -> torrents.getDescriptor(id).map(TorrentDescriptor::getDataDescriptor)
                .map(data -> (IntPredicate) piece -> piece < data.getBitfield().getPiecesTotal()
                        && !data.getBitfield().isVerified(piece)).orElse(null);
    }

    /** @param lacking the pieces a torrent still lacks; null while its metadata is unknown */
    PromptInterest(Function<TorrentId, IntPredicate> lacking) {
        this.lacking = lacking;
    }

    @Consumes
    public void consume(Bitfield bitfield, MessageContext context) {
        IntPredicate missing = missing(context);
        if (missing != null && BitfieldPieces.namesAny(bitfield, missing)) {
            toTell.add(context.getConnectionKey());
        }
    }

    @Consumes
    public void consume(Have have, MessageContext context) {
        IntPredicate missing = missing(context);
        if (missing != null && missing.test(have.getPieceIndex())) {
            toTell.add(context.getConnectionKey());
        }
    }

    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        if (toTell.remove(context.getConnectionKey())) {
            ConnectionState state = context.getConnectionState();
            if (!state.isInterested()) {
                state.setInterested(true);
                messages.accept(Interested.instance());
            }
        }
    }

    private IntPredicate missing(MessageContext context) {
        return Optional.ofNullable(context.getTorrentId()).map(lacking).orElse(null);
    }
}
