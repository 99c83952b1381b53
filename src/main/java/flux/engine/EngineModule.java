package flux.engine;

import bt.data.ChunkVerifier;
import bt.data.DefaultChunkVerifier;
import bt.data.digest.Digester;
import bt.metainfo.IMetadataService;
import bt.event.EventSink;
import bt.module.ClientExecutor;
import bt.module.MessagingAgents;
import bt.module.PeerConnectionSelector;
import bt.net.IConnectionSource;
import bt.net.IPeerConnectionPool;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.peer.IPeerRegistry;
import bt.processor.ProcessorFactory;
import bt.processor.TorrentProcessorFactory;
import bt.tracker.ITrackerService;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.BlockCache;
import bt.torrent.data.DataWorker;
import bt.torrent.data.DefaultDataWorker;
import bt.runtime.Config;
import bt.module.ServiceModule;
import bt.net.BitfieldConnectionHandler;
import bt.net.ConnectionHandlerFactory;
import bt.net.HandshakeHandler;
import bt.net.IConnectionHandlerFactory;
import bt.net.SharedSelector;
import bt.net.extended.ExtendedProtocolHandshakeHandler;
import bt.protocol.IHandshakeFactory;
import bt.protocol.extended.ExtendedHandshakeFactory;
import bt.service.IRuntimeLifecycleBinder;
import bt.service.LifecycleBinding;
import bt.event.EventSource;
import bt.module.BitTorrentProtocol;
import bt.net.DataReceiver;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionFactory;
import bt.net.PeerConnectionFactory;
import bt.net.PeerId;
import bt.net.buffer.IBufferManager;
import bt.net.pipeline.IChannelPipelineFactory;
import bt.protocol.Message;
import bt.protocol.handler.MessageHandler;
import bt.service.ApplicationService;
import bt.service.IdentityService;
import bt.module.TrackerFactories;
import bt.tracker.SecretKey;
import bt.tracker.TrackerFactory;
import bt.tracker.http.HttpTrackerFactory;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * flux's replacements inside bt's Guice wiring (applied over bt's modules, so bt itself is
 * unchanged): the choke-state and prompt-interest agents, the fair peer selector, prompt
 * handshakes, the scout's connections and announces, the metainfo parser built early, flux's
 * peer id, the fast-resume verifier, the piece digester, the data worker with its thread for
 * sought pieces, the upload limit, the connections' buffers, the message loop, and the processing
 * of torrents without a thread each.
 */
final class EngineModule extends AbstractModule {
    private final long uploadLimit;
    /** null: no download limit */
    private final DownloadLimit downloadLimit;
    private final PeerId peerId;
    private final PeerScout scout;
    private final TrackerReplies replies;
    private final UrgentRequests urgent;
    private final PeerQueues queues;
    private final PeerClients clients;
    private final boolean requireEncryption;
    private final boolean mostlyUploads;

    /**
     * @param uploadLimit bytes per second for all uploads together; 0 for none
     * @param downloadLimit bytes per second for all downloads together; 0 for none
     * @param peerId      flux's peer id (the scout announced and shook hands with it already)
     * @param scout       connections opened before bt was wired, for bt to adopt
     * @param replies     filled in with which trackers answered bt's announces
     * @param urgent      the requests for pieces readers wait on
     * @param queues      how many requests each peer keeps, held to by bt's requests too
     * @param clients     filled in with the client each peer's handshake names
     * @param requireEncryption every peer connection encrypted
     * @param mostlyUploads an engine that mostly uploads: bt's small buffers for every connection
     *                      (no {@link ConnectionBuffers})
     */
    EngineModule(long uploadLimit, long downloadLimit, PeerId peerId, PeerScout scout, TrackerReplies replies,
                 UrgentRequests urgent, PeerQueues queues, PeerClients clients, boolean requireEncryption,
                 boolean mostlyUploads) {
        this.urgent = urgent;
        this.queues = queues;
        this.clients = clients;
        this.requireEncryption = requireEncryption;
        this.mostlyUploads = mostlyUploads;
        this.uploadLimit = uploadLimit;
        this.downloadLimit = downloadLimit > 0 ? new DownloadLimit(downloadLimit, System.nanoTime(), urgent::seeking) : null;
        this.peerId = peerId;
        this.scout = scout;
        this.replies = replies;
    }

    @Override
    protected void configure() {
        bind(IMessageDispatcher.class).to(MessageLoop.class).asEagerSingleton();
        ServiceModule.extend(binder()).addMessagingAgent(new ChokeStateAgent()).addMessagingAgent(new RequestAfterCancel()).addMessagingAgent(urgent)
                .addMessagingAgentType(PromptInterest.class).addMessagingAgent(queues)
                .addMessagingAgentType(LateBlocks.class).addMessagingAgentType(WebSeedHaves.class);
        MapBinder<String, TrackerFactory> trackers =
                MapBinder.newMapBinder(binder(), String.class, TrackerFactory.class, TrackerFactories.class);
        trackers.addBinding("http").to(HttpTrackers.class);
        trackers.addBinding("https").to(HttpTrackers.class);
    }

    /** flux's http:// tracker client, sending from the bound address and the counters of bt's session. */
    @Provides
    @Singleton
    HttpTrackers trackers(HttpTrackerFactory https, Config config, TorrentRegistry torrents) {
        HttpTrackers.Self self = new HttpTrackers.Self(peerId.getBytes(), config.getAcceptorPort(),
                Announce.announcedAddress(config.getAcceptorAddress()), config.getNumberOfPeersToRequestFromTracker(),
                config.getTrackerTimeout(), torrent -> HttpTrackers.transfer(torrents, torrent));
        return new HttpTrackers(https, scout, self, replies);
    }

    /** bt's metainfo parser, built on another thread while the process started (see Metainfo). */
    @Provides
    @Singleton
    IMetadataService metadataParser() {
        return Metainfo.parser();
    }

    @Provides
    @Singleton
    ResumingChunkVerifier resumingVerifier(Config config, Digester digester) {
        Digester pieces = PieceDigester.forThisJvm(digester, config.getHashingBufferSize());
        return new ResumingChunkVerifier(new DefaultChunkVerifier(pieces, config.getNumOfHashingThreads()));
    }

    @Provides
    @Singleton
    ChunkVerifier verifier(ResumingChunkVerifier verifier) {
        return verifier;
    }

    @Provides
    @Singleton
    WriteFailures writeFailures(IRuntimeLifecycleBinder lifecycle, TorrentRegistry torrents, ChunkVerifier verifier,
                                BlockCache blockCache, Config config) {
        if (!BtDataResults.available()) {
            return new WriteFailures(new DefaultDataWorker(lifecycle, torrents, verifier, blockCache, config));
        }
        SoughtPieceThread worker = new SoughtPieceThread(torrents, verifier, blockCache, urgent::waitedOn,
                new InOrderHashes(Sha1Sums.forThisJvm()), config.getAcceptorPort() + ".flux", config.getMaxIOQueueSize());
        lifecycle.onShutdown("Stop the data threads", worker::shutdownNow);
        return new WriteFailures(worker);
    }

    @Provides
    @Singleton
    DataWorker dataWorker(WriteFailures worker) {
        DataWorker limited = uploadLimit > 0 ? new UploadLimiter(worker, uploadLimit) : worker;
        return downloadLimit == null ? limited : downloadLimit.charging(limited);
    }

    /** bt's processing of torrents, with no thread per torrent while it seeds ({@link TorrentProcessors}). */
    @Provides
    @Singleton
    ProcessorFactory processors(TorrentProcessorFactory bt, IRuntimeLifecycleBinder lifecycle, TorrentRegistry registry,
                                DataWorker dataWorker, IBufferedPieceRegistry pieces, ITrackerService trackers,
                                @ClientExecutor ExecutorService executor, IPeerRegistry peers,
                                IConnectionSource connections, IPeerConnectionPool pool, IMessageDispatcher dispatcher,
                                @MessagingAgents Set<Object> agents, EventSource eventSource, EventSink eventSink,
                                Config config) {
        ScheduledExecutorService stopWait = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, config.getAcceptorPort() + ".flux.until-stopped");
            t.setDaemon(true);
            return t;
        });
        TorrentProcessors processors = new TorrentProcessors(bt, stopWait, registry, dataWorker, pieces, trackers, executor,
                peers, connections, pool, dispatcher, agents, eventSource, eventSink, config);
        lifecycle.onShutdown("Finish the stopped torrents' processing", () -> {
            stopWait.shutdownNow();
            processors.finishStopped();
        });
        return processors;
    }

    /** bt's own handshake handling (as its ProtocolModule wires it), with prompt reads. */
    @Provides
    @Singleton
    IConnectionHandlerFactory connectionHandlers(IHandshakeFactory handshakes, TorrentRegistry torrents,
                                                 Set<HandshakeHandler> boundHandlers,
                                                 ExtendedHandshakeFactory extendedHandshakes, Config config) {
        List<HandshakeHandler> handlers = new ArrayList<>(boundHandlers);
        handlers.add(new BitfieldConnectionHandler(torrents));
        handlers.add(new ExtendedProtocolHandshakeHandler(extendedHandshakes));
        return new PromptHandshakes(new ConnectionHandlerFactory(handshakes, torrents, handlers,
                config.getPeerHandshakeTimeout()), scout, clients);
    }

    /**
     * bt's version, which bt reads from the manifest of its own jar; in flux's single jar it found
     * none, warned in every verbose log that the application "may be configured incorrectly", and
     * told every peer in its extended handshake that it was "Bt 0.0". The peer id says bt 1.10
     * ({@link Engine#newPeerId}); the handshake now says the same.
     */
    @Provides
    @Singleton
    ApplicationService version() {
        return () -> Engine.BT_VERSION;
    }

    @Provides
    @Singleton
    IdentityService identity() {
        return new IdentityService() {
            @Override
            public PeerId getLocalPeerId() {
                return peerId;
            }

            @Override
            public Optional<SecretKey> getSecretKey() {
                return Optional.empty();
            }
        };
    }

    /**
     * bt's connection factory (as its ServiceModule wires it), adopting the scout's connections, with
     * flux's encryption, each new channel registered at once ({@link PromptRegistration}), its
     * subscriptions to its torrent's start and stop dropped once it closed ({@link ConnectionSubscriptions}), and for a
     * download the first connections' large buffers (an engine that mostly uploads keeps small ones:
     * to 4 aria2c leechers, 51.2 MiB/s with large, 54.5 without).
     */
    @Provides
    @Singleton
    IPeerConnectionFactory connections(@PeerConnectionSelector SharedSelector selector,
                                       IConnectionHandlerFactory handlers,
                                       @BitTorrentProtocol MessageHandler<Message> protocol,
                                       TorrentRegistry torrents, IChannelPipelineFactory pipelines,
                                       IBufferManager buffers, DataReceiver receiver, EventSource events,
                                       Config config) {
        ConnectionSubscriptions subscriptions = new ConnectionSubscriptions(events);
        PeerConnectionFactory factory = new PeerConnectionFactory(selector, handlers, pipelines, protocol, torrents,
                mostlyUploads ? buffers : ConnectionBuffers.of(config), PromptRegistration.of(receiver, selector),
                subscriptions, config);
        StreamEncryption encryption = new StreamEncryption(torrents, protocol, config, requireEncryption);
        if (!encryption.replaceIn(factory)) {
            if (requireEncryption) {
                throw new IllegalStateException("this bt version cannot take flux's encryption; --require-encryption is not possible");
            }
            encryption = null;
        }
        return new ScoutedConnections(factory, subscriptions, scout, encryption);
    }

    @Provides
    @Singleton
    @PeerConnectionSelector
    SharedSelector selector(IRuntimeLifecycleBinder lifecycle) {
        FairSelector selector;
        try {
            selector = new FairSelector(Selector.open(), downloadLimit == null ? () -> 0
                    : () -> downloadLimit.readPauseNanos(System.nanoTime()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        lifecycle.addBinding(IRuntimeLifecycleBinder.LifecycleEvent.SHUTDOWN,
                LifecycleBinding.bind(() -> {
                    try {
                        selector.close();
                    } catch (IOException ignored) {
                        // closing at shutdown
                    }
                }).description("Shutdown selector").build());
        return selector;
    }
}
