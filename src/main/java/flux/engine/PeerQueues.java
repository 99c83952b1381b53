package flux.engine;

import bt.bencoding.model.BEObject;
import bt.net.ConnectionKey;
import bt.protocol.Message;
import bt.protocol.extended.ExtendedHandshake;
import bt.runtime.Config;
import bt.torrent.annotation.Consumes;
import bt.torrent.annotation.Produces;
import bt.torrent.messaging.ConnectionState;
import bt.torrent.messaging.MessageContext;
import flux.ui.WindowRate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Keeps bt from asking a peer for more blocks than the peer keeps. A peer drops the requests that
 * come beyond its queue without a word (no Reject: bt 1.10 has no Fast extension) and bt waits
 * for a dropped block until its assignment times out, 4 s, then bans the peer for 5 s. bt's depth
 * is one number for all peers ({@link RequestDepth}), and peers say in their extended handshake
 * how many requests they keep ({@code reqq}: Transmission 512, qBittorrent 2000, libtorrent 500 by
 * default and 250 in older versions).
 * For a peer that keeps fewer than bt would ask for, the difference is held in the peer's pending
 * requests by place holders: bt counts them when it decides whether to ask for more, and never
 * cancels or expects them, since they are not its request keys. 48 MiB in 8 MiB pieces from a
 * libtorrent seeder keeping 250 took 7.6 s instead of 1.6 s, its first piece waiting 2.7 s.
 *
 * <p>The same place holders keep a near peer that answers at once at the shallow depth of
 * {@link RequestDepth} when bt's is the deep one: bt sets its depth when it sets a torrent up,
 * and for a .torrent file that is before any peer is connected. A seek then waited behind 8 MiB
 * asked of an aria2c seeder on this machine (32-72 ms; 10-20 ms from a magnet, set up shallow).
 *
 * <p>And they keep every peer at what it sent lately in {@link #QUEUE_NANOS}: a peer sends what it
 * is asked for in order, and a Cancel does not reach the blocks it has read into its send buffer
 * already. Transmission 3.00 reads up to 15 s of its upload rate there, so a seek waited behind
 * everything it had been asked for: 511 blocks (8 MiB) from a seeder sending 600 KiB/s, 13 s.
 * libtorrent sizes its own queues the same way (3 s of each peer's rate).
 *
 * <p>Shared by all torrents, like bt's own agents; runs on bt's message loop.
 */
public class PeerQueues {
    private static final Logger log = LoggerFactory.getLogger(PeerQueues.class);
    /**
     * Most blocks asked of one peer and not come yet, bt's requests included. A peer keeps a queue
     * of requests and drops what comes beyond it without a word (Transmission 3.00 keeps 511,
     * libtorrent, so qBittorrent and Deluge, 500 by default; no Reject without the Fast extension,
     * which bt 1.10 lacks), and bt keeps a dropped request pending until its assignment times out.
     * Asking for two whole 8 MiB pieces at once (1024 blocks) overflowed a Transmission seeder
     * sending 4 MiB/s: it sent one queue's worth and fell silent, and a 48 MiB stream took 24.5 s
     * after its unchoke; with the blocks asked for as earlier ones come, 13.7 s (12.3 s at that
     * rate). Unthrottled, the same seeder sent the file in 2.6-4.2 s with 500 in flight, 7.6 s with
     * 250 (it answers at its half-second pulses) and 13.8 s before. bt's own depth is the same
     * ({@link RequestDepth#FAR_REQUESTS}), and {@link UrgentRequests} asks within it.
     */
    static final int MOST_REQUESTS = 500;
    /**
     * Blocks in flight to a peer are what it sent in this long lately: a seek waits for about as
     * long behind them at a peer that cannot cancel. Long enough for a peer sending in half-second
     * pulses to be asked for more than a pulse, so its rate and the depth grow together.
     */
    static final long QUEUE_NANOS = 1_500_000_000L;
    /** ... and at least this many (512 KiB in 16 KiB blocks): a new peer's first asks, before its rate is known. */
    static final int LEAST_REQUESTS = 32;
    /** Blocks a near peer that answers at once may be asked for at once for a sought piece: a 1 MiB piece. */
    static final int URGENT_NEAR_REQUESTS = 64;
    /**
     * ... but no more than it has ever sent in this long: a near peer that sends slowly (shaped, or
     * on a slow link) would otherwise hold a whole piece asked for every piece a player reading as
     * fast as flux serves waits on, and the next seek waited behind all of that (two libtorrent
     * seeders on this machine shaped to 2 MB/s: 2 MiB, ~0.5 s). At loopback speed this is still
     * the whole piece.
     */
    static final long URGENT_NEAR_NANOS = 100_000_000L;
    /** A peer's rate: what it sent over the last second, from samples an eighth of a second apart. */
    private static final long RATE_WINDOW_NANOS = 1_000_000_000L;
    private static final long RATE_STEP_NANOS = RATE_WINDOW_NANOS / 8;
    private static final List<Object> PLACE_HOLDERS = makePlaceHolders(MOST_REQUESTS + 1);

    /** bt's state of each connection whose peer said how many requests it keeps; gone with the connection. */
    private final Map<ConnectionState, Integer> queues = Collections.synchronizedMap(new WeakHashMap<>());
    /** bt's state of each connection: whether the peer is near and answers at once; gone with the connection. */
    private final Map<ConnectionState, Boolean> near = Collections.synchronizedMap(new WeakHashMap<>());
    /** How fast each connection's peer sent lately, and at its fastest; gone with the connection. */
    private final Map<ConnectionState, Pace> paces = Collections.synchronizedMap(new WeakHashMap<>());
    /** How many place holders each connection was given last. */
    private final Map<ConnectionState, Integer> held = Collections.synchronizedMap(new WeakHashMap<>());
    private final IntSupplier btDepth;
    private final Predicate<ConnectionState> btAssignsPieces;
    private final Predicate<ConnectionKey> nearAndPrompt;
    private final int blockSize;
    /** The most blocks in flight to a near peer that answers at once. */
    private final int nearRequests;
    private final LongSupplier clock;

    public PeerQueues(Config config, PeerClients clients) {
        this(config::getMaxOutstandingRequests, BtAssignments::hasPieces, key -> RequestDepth.isNear(key.getPeer().getInetAddress())
                        && clients.answersAtOnce(key), config.getTransferBlockSize(), System::nanoTime);
    }

    /**
     * @param btDepth         bt's requests in flight per peer (it asks while at most that many are pending)
     * @param btAssignsPieces whether bt has pieces assigned to a peer ({@link BtAssignments})
     * @param nearAndPrompt   whether a connection's peer is near and sends blocks as soon as they are asked for
     * @param blockSize       bytes per request
     * @param clock           nanoseconds, as {@link System#nanoTime}
     */
    PeerQueues(IntSupplier btDepth, Predicate<ConnectionState> btAssignsPieces, Predicate<ConnectionKey> nearAndPrompt,
               int blockSize, LongSupplier clock) {
        this.btDepth = btDepth;
        this.btAssignsPieces = btAssignsPieces;
        this.nearAndPrompt = nearAndPrompt;
        this.blockSize = blockSize;
        this.nearRequests = RequestDepth.nearRequests(blockSize);
        this.clock = clock;
    }

    @Consumes
    public void consume(ExtendedHandshake handshake, MessageContext context) {
        BEObject<?> reqq = handshake.getData().get("reqq");
        if (reqq != null && reqq.getValue() instanceof Number n && n.longValue() > 0) {
            int queue = (int) Math.min(Integer.MAX_VALUE, n.longValue());
            queues.put(context.getConnectionState(), queue);
            log.debug("{} keeps {} requests", context.getConnectionKey().getPeer(), queue);
        }
    }

    /**
     * Notes how much the peer has sent, and sets its place holders among its pending requests to
     * what its {@link #limit} is now; bt empties them whenever it resets the peer. Runs before bt's
     * request producer on each turn (runtime agents come first in bt's router), and only while bt
     * has pieces assigned to the peer: without, bt resets it on every turn and asks for nothing.
     */
    @Produces
    public void produce(Consumer<Message> messages, MessageContext context) {
        ConnectionState state = context.getConnectionState();
        // the handshake named the client before bt's first turn on the connection
        ConnectionKey key = context.getConnectionKey();
        near.computeIfAbsent(state, s -> nearAndPrompt.test(key));
        long now = clock.getAsLong();
        paces.computeIfAbsent(state, s -> new Pace()).update(state.getDownloaded(), now);
        if (!btAssignsPieces.test(state)) {
            return;
        }
        int heldNow = placeHoldersAt(state);
        int wanted = placeHolders(state);
        Set<Object> pending = state.getPendingRequests();
        if (wanted > heldNow) {
            pending.addAll(PLACE_HOLDERS.subList(heldNow, wanted));
        } else if (wanted < heldNow) {
            PLACE_HOLDERS.subList(wanted, heldNow).forEach(pending::remove);
        }
        held.put(state, wanted);
    }

    /**
     * Most blocks to ask of the peer at once, bt's requests included: {@link #MOST_REQUESTS}, or
     * the near depth for a near peer that answers at once, or what the peer sent lately in {@link
     * #QUEUE_NANOS} (at least {@link #LEAST_REQUESTS}), or one fewer than the peer says it keeps
     * (Transmission takes 511 of the 512 it says), whichever is least.
     */
    int limit(ConnectionState peer) {
        int most = near.getOrDefault(peer, false) ? nearRequests : MOST_REQUESTS;
        return withinQueue(peer, Math.min(most, byRate(peer)));
    }

    /**
     * Most blocks to ask of the peer at once for a sought piece: its {@link #limit}, or up to a
     * whole big piece at a near peer that answers at once, within what the peer keeps.
     */
    int urgentLimit(ConnectionState peer) {
        int limit = limit(peer);
        return near.getOrDefault(peer, false) ? Math.max(limit, withinQueue(peer, urgentNear(peer))) : limit;
    }

    /**
     * {@link #URGENT_NEAR_REQUESTS}, or what the peer sent at its fastest in {@link
     * #URGENT_NEAR_NANOS} when that is fewer; all of them until it has sent for a quarter of the
     * rate's window.
     */
    private int urgentNear(ConnectionState peer) {
        Pace pace = paces.get(peer);
        double fastest = pace == null ? Double.NaN : pace.fastest();
        if (Double.isNaN(fastest)) {
            return URGENT_NEAR_REQUESTS;
        }
        double blocks = fastest * URGENT_NEAR_NANOS / 1e9 / blockSize;
        return (int) Math.max(1, Math.min(URGENT_NEAR_REQUESTS, Math.ceil(blocks)));
    }

    /** {@code most}, or one fewer than the peer says it keeps when that is less (at least one). */
    private int withinQueue(ConnectionState peer, int most) {
        Integer queue = queues.get(peer);
        return queue == null ? most : Math.max(1, Math.min(most, queue - 1));
    }

    /**
     * The blocks the peer sent lately in {@link #QUEUE_NANOS}, at least {@link #LEAST_REQUESTS};
     * just that until its samples span a quarter of the rate's window.
     */
    private int byRate(ConnectionState peer) {
        Pace pace = paces.get(peer);
        double lately = pace == null ? Double.NaN : pace.lately();
        if (Double.isNaN(lately)) {
            return LEAST_REQUESTS;
        }
        double blocks = lately * QUEUE_NANOS / 1e9 / blockSize;
        return (int) Math.max(LEAST_REQUESTS, Math.min(MOST_REQUESTS, Math.ceil(blocks)));
    }

    /** How many of the peer's pending requests are place holders. */
    int placeHoldersAt(ConnectionState peer) {
        Integer count = held.get(peer);
        return count != null && count > 0 && holdsPlaces(peer) ? count : 0;
    }

    /** The place holders that keep bt at the peer's {@link #limit}: bt asks while at most its depth is pending, so up to one more. */
    private int placeHolders(ConnectionState peer) {
        long count = (long) btDepth.getAsInt() + 1 - limit(peer);
        return (int) Math.max(0, Math.min(count, PLACE_HOLDERS.size()));
    }

    private static boolean holdsPlaces(ConnectionState peer) {
        return peer.getPendingRequests().contains(PLACE_HOLDERS.get(0));
    }

    private static List<Object> makePlaceHolders(int count) {
        List<Object> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(new PlaceHolder(i));
        }
        return List.copyOf(list);
    }

    /**
     * How fast a peer sent lately, and the fastest it sent over a window since its first block
     * (the wait for its unchoke is not its speed): each NaN until its samples span a quarter of
     * the window.
     */
    private static final class Pace {
        private final WindowRate lately = new WindowRate(RATE_WINDOW_NANOS, RATE_STEP_NANOS);
        private WindowRate sinceFirstBlock;
        private double fastest = Double.NaN;

        synchronized void update(long downloaded, long now) {
            lately.update(downloaded, now);
            if (downloaded == 0) {
                return;
            }
            if (sinceFirstBlock == null) {
                sinceFirstBlock = new WindowRate(RATE_WINDOW_NANOS, RATE_STEP_NANOS);
            }
            double current = sinceFirstBlock.update(downloaded, now);
            if (sampled(sinceFirstBlock)) {
                fastest = Double.isNaN(fastest) ? current : Math.max(fastest, current);
            }
        }

        synchronized double lately() {
            return sampled(lately) ? lately.rate() : Double.NaN;
        }

        synchronized double fastest() {
            return fastest;
        }

        /** Whether a rate's samples span enough of the window (a quarter) to be a peer's speed. */
        private static boolean sampled(WindowRate rate) {
            return rate.spanNanos() >= RATE_WINDOW_NANOS / 4;
        }
    }

    /** A pending request that is none: bt's own keys are of another class, so bt never sends it a Cancel. */
    private record PlaceHolder(int slot) {
    }
}
