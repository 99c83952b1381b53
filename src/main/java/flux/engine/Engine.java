package flux.engine;

import bt.Bt;
import bt.BtClientBuilder;
import bt.data.Storage;
import bt.data.digest.Digester;
import bt.data.digest.SHA1Digester;
import bt.data.range.ByteRange;
import bt.data.file.FileSystemStorage;
import bt.dht.DHTConfig;
import bt.dht.DHTModule;
import bt.event.EventSink;
import bt.magnet.MagnetUri;
import bt.magnet.MagnetUriParser;
import bt.metainfo.Torrent;
import bt.metainfo.TorrentId;
import bt.net.IPeerConnectionPool;
import bt.peer.IPeerRegistry;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.BtRuntimeBuilder;
import bt.net.InetPeer;
import bt.net.PeerId;
import bt.service.Version;
import bt.runtime.Config;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.DataWorker;
import bt.tracker.AnnounceKey;
import flux.ExitCode;
import flux.FluxException;
import flux.IoErrors;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The only place that touches bt. One runtime, built explicitly (no auto-loaded modules: LSD only
 * when asked), with the fixes flux needs on top of bt 1.10: its own stream encryption, a request depth sized in
 * bytes, choke state tracked from the first message, and a watchdog against stalls.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final AtomicBoolean HASHING_PREPARED = new AtomicBoolean();

    static {
        // bt is wired by Guice once, at start. Guice's defaults suit long-running servers: it
        // generates bytecode for faster injection later and records a stack trace per binding.
        // flux needs neither (bt binds no interceptors), and without them the first announce
        // leaves ~0.12 s sooner on two cores (measured: 1.12 -> 1.00 s from process start). A value
        // the user set stays.
        System.getProperties().putIfAbsent("guice_bytecode_gen_option", "DISABLED");
        System.getProperties().putIfAbsent("guice_include_stack_traces", "OFF");
    }

    private final BtRuntime runtime;
    private final EngineSettings settings;
    private final int peerPort;
    private final PeerWatchdog watchdog;
    private final ScheduledExecutorService scheduler;
    private final ResumingChunkVerifier verifier;
    private final PeerScout scout;
    private final TrackerReplies trackerReplies;
    private final UrgentRequests urgent;
    private final PeerQueues queues;
    private final PeerClients clients;
    private final Optional<UtpRefusal> utpRefusal;
    private final Optional<RouterPortMapping> portMapping;
    private final ClosedConnections closedConnections = new ClosedConnections();
    /** The running torrents' sessions, whose counters are read once a second. */
    private final Set<TorrentSession> refreshed = ConcurrentHashMap.newKeySet();

    private Engine(BtRuntime runtime, EngineSettings settings, int peerPort, PeerScout scout, TrackerReplies trackerReplies,
                   UrgentRequests urgent, PeerQueues queues, PeerClients clients, Optional<UtpRefusal> utpRefusal,
                   Optional<RouterPortMapping> portMapping) {
        this.runtime = runtime;
        this.settings = settings;
        this.peerPort = peerPort;
        this.scout = scout;
        this.trackerReplies = trackerReplies;
        this.urgent = urgent;
        this.queues = queues;
        this.clients = clients;
        this.utpRefusal = utpRefusal;
        this.portMapping = portMapping;
        urgent.wire(PeerWire.connections(runtime.service(IPeerConnectionPool.class)));
        this.verifier = runtime.service(ResumingChunkVerifier.class);
        this.watchdog = new PeerWatchdog(runtime.service(IPeerRegistry.class),
                runtime.service(IPeerConnectionPool.class), settings.stallWindow(), urgent::owesBlocks);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flux-watchdog");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(watchdog::tick, 1, 1, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::refreshSessions, 1, 1, TimeUnit.SECONDS);
    }

    /** One task for all (one per torrent cost 2000 seeded torrents 3 % of a core in the scheduler's queue). */
    private void refreshSessions() {
        for (TorrentSession session : refreshed) {
            try {
                session.refresh();
            } catch (RuntimeException e) {
                log.debug("could not read {}'s counters", session.id(), e);
            }
        }
    }

    /**
     * Starts the runtime. With the default peer port a busy port falls back to a free one; a port
     * the user chose must be free.
     */
    public static Engine start(EngineSettings settings, boolean portChosenByUser) {
        return start(settings, portChosenByUser, null);
    }

    /** What an engine is started with: {@link #startAhead} and {@link #start} match on all of it. */
    private record StartKey(EngineSettings settings, boolean portChosenByUser, TorrentInput firstTorrent,
                            List<InetSocketAddress> namedPeers) {
    }

    private static final StartedAhead<StartKey, Engine> AHEAD = new StartedAhead<>(Engine::startNow, "flux-engine-ahead");

    /**
     * Starts, on another thread, the engine the next {@link #start} with the same settings and
     * input will return. The command line calls it with what it reads from the raw arguments, so
     * that bt's wiring (~0.3 s of Guice on 2 cores) and the scout's first announce run while picocli
     * builds its model and the HTTP server starts, not after them; a start with other settings
     * closes this engine and starts its own.
     */
    public static void startAhead(EngineSettings settings, boolean portChosenByUser, TorrentInput firstTorrent,
                                  List<InetSocketAddress> namedPeers) {
        AHEAD.start(new StartKey(settings, portChosenByUser, firstTorrent, List.copyOf(namedPeers)));
    }

    /**
     * Starts the runtime for a session that will open {@code firstTorrent} (null if unknown): its
     * trackers are asked and its peers met while bt is being wired ({@link PeerScout}).
     */
    public static Engine start(EngineSettings settings, boolean portChosenByUser, TorrentInput firstTorrent) {
        return start(settings, portChosenByUser, firstTorrent, List.of());
    }

    /** As above, and the peers the user named (`--peer`) are met while bt is being wired, as the trackers' are. */
    public static Engine start(EngineSettings settings, boolean portChosenByUser, TorrentInput firstTorrent,
                               List<InetSocketAddress> namedPeers) {
        return AHEAD.take(new StartKey(settings, portChosenByUser, firstTorrent, List.copyOf(namedPeers)));
    }

    private static Engine startNow(StartKey key) {
        EngineSettings settings = key.settings();
        Scouting scouting = Scouting.start(settings, key.portChosenByUser(), key.firstTorrent(), key.namedPeers());
        int port = scouting.port();
        int dhtPort;
        try {
            dhtPort = settings.dht() ? dhtPort(settings, port) : 0;
        } catch (FluxException e) {
            scouting.scout().close();
            throw e;
        }
        PeerId peerId = scouting.peerId();
        PeerScout scout = scouting.scout();
        if (scout == PeerScout.NONE) {
            // with a scout, the first peers do not wait for bt's announce, and the warm-up would
            // only compete with Guice for the CPU (bt registers the torrent 0.06 s later with it)
            prepareTrackerClientInBackground();
        }
        Config config = new Config();
        config.setAcceptorAddress(settings.bindAddress());
        config.setAcceptorPort(port);
        if (!settings.bindAddress().isAnyLocalAddress()) {
            // announce the bound address: the tracker would otherwise record the address the HTTP
            // request left from, where nothing listens when flux is bound to another one
            config.setPeerAddress(settings.bindAddress());
        }
        // bt 1.10's MSE decrypts the bytes that arrive with its last handshake step twice, so every
        // encrypted connection failed: flux's StreamEncryption takes its place, and bt's stays off
        config.setMseDisabled(true);
        config.setMaxMessageProcessingInterval(Duration.ofMillis(20));
        config.setNumOfHashingThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
        config.setMaxPeerConnections(Math.max(settings.maxPeers(), 500));
        config.setMaxPeerConnectionsPerTorrent(settings.maxPeers());
        config.setMaxConcurrentlyActivePeerConnectionsPerTorrent(Math.min(settings.maxPeers(), 20));
        config.setPeerDiscoveryInterval(Duration.ofSeconds(2));
        config.setTrackerTimeout(Duration.ofSeconds(10));
        // no block of a claimed piece for this long: bt gives the piece to another peer (a peer that
        // choked us or went quiet held the last pieces for the full timeout otherwise)
        config.setMaxPieceReceivingTime(Duration.ofSeconds(4));
        config.setTimeoutedAssignmentPeerBanDuration(Duration.ofSeconds(5));
        config.setShutdownHookTimeout(Duration.ofSeconds(5));
        config.setMaxOutstandingRequests(RequestDepth.FAR_REQUESTS);
        // trackers hand out stale peers; ask for many, and let the watchdog retry a refused one soon
        config.setNumberOfPeersToRequestFromTracker(200);
        config.setUnreachablePeerBanDuration(Duration.ofSeconds(30));
        // two buffers per connection, direct memory: 1 MiB each (the default) is 120 MiB at 60 peers,
        // so 256 KiB, and 1 MiB for a stream's first 8 connections (ConnectionBuffers)
        config.setNetworkBufferSize(256 * 1024);

        PeerClients clients = new PeerClients();
        PeerQueues queues = new PeerQueues(config, clients);
        UrgentRequests urgent = new UrgentRequests(queues, clients);
        BtRuntimeBuilder builder = BtRuntime.builder(config)
                .module(new EngineModule(settings.uploadLimit(), settings.downloadLimit(), peerId, scout, scouting.replies(),
                        urgent, queues, clients, settings.requireEncryption(), settings.mostlyUploads()))
                .disableAutomaticShutdown();
        if (!settings.lsd()) {
            builder.disableLocalServiceDiscovery();
        }
        if (!settings.pex()) {
            // bt 1.10 cannot parse an empty PEX message (aria2c sends them) and drops the peer
            builder.disablePeerExchange();
        }
        if (settings.dht()) {
            DHTConfig dht = new DHTConfig();
            dht.setListeningPort(dhtPort);
            dht.setShouldUseRouterBootstrap(true);
            builder.module(new DHTModule(dht));
        }
        try {
            BtRuntime runtime = builder.build();
            runtime.startup();
            // once bt listens on TCP, which is where a refused uTP dial turns (a DHT on this port gets its UDP)
            Optional<UtpRefusal> utpRefusal = settings.dht() && dhtPort == port ? Optional.empty()
                    : UtpRefusal.on(new InetSocketAddress(settings.bindAddress(), port));
            Optional<RouterPortMapping> portMapping = settings.upnp() && RouterPortMapping.useful(settings.bindAddress())
                    ? Optional.of(RouterPortMapping.start(settings.bindAddress(), port, dhtPort, settings.mostlyUploads()))
                    : Optional.empty();
            return new Engine(runtime, settings, port, scout, scouting.replies(), urgent, queues, clients, utpRefusal, portMapping);
        } catch (RuntimeException e) {
            scout.close();
            if (IoErrors.isBindFailure(e)) {
                throw new FluxException(ExitCode.NETWORK, "cannot listen on " + settings.bindAddress().getHostAddress()
                        + ":" + port + " (address or port in use)", "choose another --peer-port or --bind", e);
            }
            throw e;
        }
    }

    /**
     * bt's HTTP tracker client builds an SSL socket factory (the JDK's CA certificates, the public
     * suffix list) before its first request, even for http:// trackers: ~0.14 s between bt asking
     * the tracker and the request leaving. Done on the second core while Guice wires bt, it is
     * ready when the first announce needs it (the JDK and HttpClient cache both): the announce
     * left 0.07 s sooner in the median of 6 alternating runs, after the wiring itself lost 0.06 s
     * to the shared CPU.
     */
    private static void prepareTrackerClientInBackground() {
        inBackground("flux-tracker-client", () -> {
            try {
                SSLConnectionSocketFactory.getSocketFactory();
            } catch (RuntimeException | LinkageError e) {
                log.debug("preparing the tracker client", e); // bt will do it, and report, itself
            }
        });
    }

    /**
     * The first pieces were hashed by the interpreter: 25-30 ms for a 256 KiB piece, between its
     * last block and the first byte served. Hashing a little as a torrent starts, while the engine
     * waits for its metadata or its first blocks, has SHA-1 ready before they arrive: under C1
     * alone the native one is loaded first ({@link NativeSha1}, ~80 ms) and its calls compiled, or
     * flux's own where it cannot load; where C2 runs, the JDK's is compiled to the CPU's SHA
     * instructions. The launcher lowers the compile thresholds so that 128 KiB suffice. Once per
     * process: `flux seed` opens many torrents.
     */
    private static void prepareHashingInBackground() {
        if (!HASHING_PREPARED.compareAndSet(false, true)) {
            return;
        }
        inBackground("flux-hash-warm-up", () -> {
            try {
                if (Sha1Sums.c1Only()) {
                    NativeSha1.load();
                }
                Digester sha1 = PieceDigester.forThisJvm(SHA1Digester.newDigester(), SHA1Digester.DEFAULT_BUFFER_SIZE);
                sha1.digest(new ByteRange(new byte[128 * 1024]));
            } catch (RuntimeException e) {
                log.debug("no SHA-1 to prepare", e); // bt fails on its own, and reports it
            }
        });
    }

    private static void inBackground(String threadName, Runnable task) {
        Thread thread = new Thread(task, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    public int peerPort() {
        return peerPort;
    }

    public EngineSettings settings() {
        return settings;
    }

    /**
     * The info-hash an input names, known before bt runs: a magnet's, or a .torrent's read from its
     * bencoding; empty for a URL (not fetched twice) or a file that is not a torrent (bt says why).
     */
    public static Optional<String> infoHash(TorrentInput input) {
        if (input instanceof TorrentInput.Magnet m) {
            return Optional.of(m.infoHash());
        }
        if (input instanceof TorrentInput.TorrentUrl) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of().formatHex(Metainfo.peek(input).infoHash()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Opens a torrent: data goes under {@code directory}. {@code onMetadata} runs on bt's thread as
     * soon as the metadata is known and before any piece is requested, so it can plan the order.
     * {@code wantsData} tells the watchdog whether a stall matters.
     */
    public TorrentSession open(TorrentInput input, Path directory, Consumer<TorrentSession> onMetadata,
                               BooleanSupplier wantsData) {
        return open(input, directory, false, List.of(), onMetadata, wantsData);
    }

    /**
     * As above, and bt dials {@code namedPeers} (the user's `--peer`) as soon as it has registered
     * the torrent; {@code scratch}: the data is deleted at exit, so it is never synced to disk.
     */
    public TorrentSession open(TorrentInput input, Path directory, boolean scratch, List<InetSocketAddress> namedPeers,
                               Consumer<TorrentSession> onMetadata, BooleanSupplier wantsData) {
        IoErrors.createDirectories(directory, null);
        Storage storage = scratch ? new ScratchStorage(storage(directory)) : storage(directory);
        BtClientBuilder client = Bt.client(runtime).storage(storage);
        TorrentId id;
        if (input instanceof TorrentInput.Magnet m) {
            MagnetUri uri = MagnetUriParser.lenientParser().parse(m.uri());
            id = uri.getTorrentId();
            client.magnet(uri);
        } else {
            Torrent torrent = Metainfo.parse(input);
            id = torrent.getTorrentId();
            client.torrent(() -> torrent);
            askExtraTrackers(id, torrent, input.extraTrackers());
        }
        List<String> webSeedUrls = webSeedsOf(input);
        TorrentSession session = new TorrentSession(id, storage, runtime.service(TorrentRegistry.class), urgent,
                () -> trackerReplies.tally(id));
        client.selector(session.selector());
        client.afterTorrentFetched(t -> {
            session.metadataArrived(t);
            // bt reads the request depth when it sets up the torrent, right after this callback; a
            // .torrent gets here before any connection, with the peers the scout is meeting known
            List<RequestDepth.Known> peers = new ArrayList<>();
            runtime.service(IPeerConnectionPool.class).visitConnections(id, c -> {
                InetSocketAddress peer = new InetSocketAddress(c.getRemotePeer().getInetAddress(), c.getRemotePort());
                peers.add(new RequestDepth.Known(peer.getAddress(), clients.answersAtOnce(peer)));
            });
            scout.peers(id).stream().map(InetSocketAddress::getAddress).filter(Objects::nonNull)
                    .forEach(address -> peers.add(new RequestDepth.Known(address, false)));
            Config config = runtime.getConfig();
            RequestDepth.Depth depth = RequestDepth.of(peers, settings.inFlightBytes(), t.getChunkSize(),
                    config.getTransferBlockSize());
            config.setMaxSimultaneouslyAssignedPieces(depth.pieces());
            config.setMaxOutstandingRequests(depth.requests());
            log.debug("{} pieces assigned and at most {} blocks in flight per peer (peers now: {})",
                    depth.pieces(), depth.requests(), peers);
            try {
                onMetadata.accept(session);
            } finally {
                // after the owner said which pieces it trusts (fast resume), before bt checks the data
                expectVerification(t, session);
                session.metadataPlanned();
            }
        });
        runtime.getEventSource()
                .onPieceVerified(id, e -> session.pieceVerified(e.getPieceIndex()))
                .onTorrentStarted(id, e -> {
                    session.started();
                    startWebSeeds(session, webSeedUrls);
                })
                .onPeerConnected(id, e -> session.peerConnected())
                .onPeerDisconnected(id, e -> {
                    session.peerDisconnected();
                    runtime.service(TorrentRegistry.class).getDescriptor(id)
                            .ifPresent(torrent -> closedConnections.closed(torrent, e.getConnectionKey()));
                    urgent.peerGone(e.getConnectionKey());
                    runtime.service(WebSeedHaves.class).disconnected(e.getConnectionKey());
                    clients.disconnected(new InetSocketAddress(e.getConnectionKey().getPeer().getInetAddress(),
                            e.getConnectionKey().getRemotePort()));
                })
                .onPeerDiscovered(id, e -> {
                    session.peerDiscovered();
                    watchdog.peerSeen(id, new InetSocketAddress(e.getPeer().getInetAddress(), e.getPeer().getPort()));
                });
        watchdog.watch(session, wantsData);
        BtClient btClient = client.build();
        // bt's own status callback takes a thread per torrent: the engine's one thread does it
        refreshed.add(session);
        CompletableFuture<?> running = btClient.startAsync();
        running.whenComplete((ok, error) -> {
            refreshed.remove(session);
            session.refresh();
        });
        session.attach(btClient, running);
        urgent.track(id, session.waitedOn());
        running.whenComplete((ok, error) -> urgent.forget(id));
        prepareHashingInBackground();
        announceAsSoonAsActive(id, List.copyOf(namedPeers), () -> startWebSeeds(session, webSeedUrls),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        return session;
    }

    /** A magnet's {@code ws} URLs, a .torrent's url-list. */
    private static List<String> webSeedsOf(TorrentInput input) {
        if (input instanceof TorrentInput.Magnet m) {
            return m.webSeeds();
        }
        // a URL's .torrent was fetched into bytes by the stream already; not fetched a second time here
        return input instanceof TorrentInput.TorrentUrl ? List.of() : Metainfo.webSeeds(input);
    }

    /**
     * Web seeds fetch what a stream plans to download, from the moment bt has set up the torrent's
     * data: as the torrent becomes active (a .torrent), else once it starts (a magnet, whose
     * torrent is active while its metadata is fetched); ~0.15 s earlier for a .torrent, since bt
     * starts a torrent only after its first tracker announce. A seed's torrent, complete, and a
     * session that plans nothing (a listing) leave them alone.
     */
    private synchronized void startWebSeeds(TorrentSession session, List<String> urls) {
        Torrent torrent = session.torrent();
        TorrentRegistry registry = runtime.service(TorrentRegistry.class);
        boolean dataReady = registry.getDescriptor(session.id()).map(d -> d.getDataDescriptor() != null).orElse(false);
        if (urls.isEmpty() || torrent == null || !dataReady || session.hasWebSeeds() || session.selector().order().length == 0) {
            return;
        }
        EventSink events = runtime.service(EventSink.class);
        WebSeedHaves haves = runtime.service(WebSeedHaves.class);
        WebSeedPieces pieces = new WebSeedPieces(session.selector(), session.waitedOn(), session::connectedPeers,
                () -> registry.getDescriptor(session.id()).map(TorrentDescriptor::getDataDescriptor).orElse(null),
                torrent.getChunkSize());
        WebSeeds seeds = new WebSeeds(session.id(), torrent, pieces, runtime.service(DataWorker.class), piece -> {
            haves.delivered(session.id(), piece);
            events.firePieceVerified(session.id(), piece);
        }, runtime.getConfig().getTransferBlockSize());
        session.webSeeds(seeds);
        seeds.start(urls, WebSeedHead.take(session.id()));
    }

    /**
     * Trackers the user added to a .torrent (a magnet lists its own): bt asks them beside the
     * torrent's, except for a private torrent, whose peers come from its own trackers only.
     */
    private void askExtraTrackers(TorrentId id, Torrent torrent, List<String> trackers) {
        if (trackers.isEmpty()) {
            return;
        }
        if (torrent.isPrivate()) {
            log.warn("{} is a private torrent: its peers come from its own trackers only, the added ones are not asked",
                    torrent.getName());
            return;
        }
        IPeerRegistry peers = runtime.service(IPeerRegistry.class);
        trackers.forEach(url -> peers.addPeerSource(id, new AnnounceKey(url)));
    }

    /**
     * Where a torrent's files go: bt's file storage, whose path normalizer turns a name's "..",
     * "." and leading separators into "_", so that no file of a hostile torrent lands outside
     * {@code directory} (HostileTorrentPathsTest holds bt to that).
     */
    static Storage storage(Path directory) {
        return new FileSystemStorage(directory);
    }

    /** Pieces the owner trusts (fast resume) skip hashing; the result lands in the session. */
    private void expectVerification(Torrent t, TorrentSession session) {
        java.util.Iterator<byte[]> hashes = t.getChunkHashes().iterator();
        if (!hashes.hasNext()) {
            return;
        }
        int count = session.meta().pieceCount();
        verifier.expect(hashes.next(), count, session.trustedPieces(), session.knownPieces(), session::initialVerification);
    }

    /**
     * bt asks trackers and the DHT on a fixed timer (every couple of seconds); a new torrent would
     * wait for the next tick. Ask the moment bt has registered it instead: it is the first step
     * on the way to the first byte. The peers the scout already met are handed over at that
     * moment too, a tracker round trip before bt's own announce names them, and so are the peers
     * the user named.
     */
    private void announceAsSoonAsActive(TorrentId id, List<InetSocketAddress> named, Runnable alsoThen, long deadlineNanos) {
        TorrentRegistry registry = runtime.service(TorrentRegistry.class);
        boolean active = registry.getDescriptor(id).map(d -> d.isActive()).orElse(false);
        if (active) {
            alsoThen.run(); // first: bt's peer collection below waits for its tracker announces
            IPeerRegistry peers = runtime.service(IPeerRegistry.class);
            List<InetSocketAddress> scouted = scout.peers(id);
            log.debug("torrent active; {} peers from the scout, {} named", scouted.size(), named.size());
            Stream.concat(scouted.stream(), named.stream()).distinct() // the scout meets the named ones too
                    .forEach(p -> peers.addPeer(id, InetPeer.build(p.getAddress(), p.getPort())));
            peers.triggerPeerCollection(id);
        } else if (System.nanoTime() < deadlineNanos && !scheduler.isShutdown()) {
            scheduler.schedule(() -> announceAsSoonAsActive(id, named, alsoThen, deadlineNanos), 10, TimeUnit.MILLISECONDS);
        }
    }

    public void close(TorrentSession session) {
        watchdog.forget(session.id());
        session.close();
    }

    /**
     * Called once, on one of bt's threads, with the first block that could not be written to disk
     * (bt itself would keep asking peers for it).
     */
    public void onWriteFailure(Consumer<IOException> listener) {
        runtime.service(WriteFailures.class).listen(listener);
    }

    @Override
    public void close() {
        portMapping.ifPresent(RouterPortMapping::close);
        scout.close();
        utpRefusal.ifPresent(UtpRefusal::close);
        scheduler.shutdownNow();
        try {
            runtime.shutdown();
        } catch (RuntimeException e) {
            log.debug("runtime shutdown", e);
        }
    }

    /** The bt release flux runs, as its peer id and its extended handshake ({@link EngineModule}) name it. */
    static final Version BT_VERSION = new Version(1, 10, false);

    /**
     * A peer id in the form bt makes its own ("-Bt", bt's version bytes 1.10, "-", 12 random
     * bytes), made here so the scout can announce and shake hands with it before bt exists.
     */
    static PeerId newPeerId() {
        byte[] id = new byte[PeerId.length()];
        byte[] prefix = {'-', 'B', 't', (byte) BT_VERSION.getMajor(), (byte) BT_VERSION.getMinor(), 0, 0, '-'};
        System.arraycopy(prefix, 0, id, 0, prefix.length);
        byte[] tail = new byte[id.length - prefix.length];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(tail);
        System.arraycopy(tail, 0, id, prefix.length, tail.length);
        return PeerId.fromBytes(id);
    }

    static int listenPort(EngineSettings settings, boolean portChosenByUser) {
        int port = settings.peerPort();
        if (!portFree(settings, port)) {
            if (portChosenByUser) {
                throw new FluxException(ExitCode.NETWORK, "peer port " + port + " is already in use",
                        "choose another with --peer-port, or 0 for any free port");
            }
            port = 0;
        }
        return port == 0 ? freePort(settings) : port;
    }

    /**
     * The DHT's UDP port: the one chosen, which must be free, else the one after the peer port,
     * else any free one. The DHT library prints a stack trace when it cannot bind, and carries on
     * without a DHT.
     */
    static int dhtPort(EngineSettings settings, int peerPort) {
        int wanted = settings.dhtPortFor(peerPort);
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(wanted));
            return wanted;
        } catch (IOException e) {
            if (settings.dhtPort() != EngineSettings.DHT_NEXT_TO_PEER_PORT) {
                throw new FluxException(ExitCode.NETWORK, "DHT port " + wanted + " is already in use",
                        "choose another with --dht-port, or turn the DHT off with --no-dht", e);
            }
        }
        try (DatagramChannel any = DatagramChannel.open()) {
            any.bind(new InetSocketAddress(0));
            return ((InetSocketAddress) any.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new FluxException(ExitCode.NETWORK, "no UDP port for the DHT: " + e.getMessage(), "try --no-dht", e);
        }
    }

    private static boolean portFree(EngineSettings s, int port) {
        if (port == 0) {
            return true;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(s.bindAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(EngineSettings s) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(s.bindAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new FluxException(ExitCode.NETWORK, "cannot listen on " + s.bindAddress().getHostAddress()
                    + ": " + e.getMessage(), "check --bind", e);
        }
    }
}
