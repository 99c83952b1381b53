package flux.engine;

import bt.data.ChunkVerifier;
import bt.data.DefaultChunkVerifier;
import bt.data.digest.Digester;
import bt.module.PeerConnectionSelector;
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
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * flux's replacements inside bt's Guice wiring (applied over bt's modules, so bt itself is
 * unchanged): the choke-state agent, the fair peer selector, prompt handshakes, the fast-resume
 * verifier and the upload limit.
 */
final class EngineModule extends AbstractModule {
    private final long uploadLimit;

    /** @param uploadLimit bytes per second for all uploads together; 0 for none */
    EngineModule(long uploadLimit) {
        this.uploadLimit = uploadLimit;
    }

    @Override
    protected void configure() {
        ServiceModule.extend(binder()).addMessagingAgent(new ChokeStateAgent());
    }

    @Provides
    @Singleton
    ResumingChunkVerifier resumingVerifier(Config config, Digester digester) {
        return new ResumingChunkVerifier(new DefaultChunkVerifier(digester, config.getNumOfHashingThreads()));
    }

    @Provides
    @Singleton
    ChunkVerifier verifier(ResumingChunkVerifier verifier) {
        return verifier;
    }

    @Provides
    @Singleton
    DataWorker dataWorker(IRuntimeLifecycleBinder lifecycle, TorrentRegistry torrents, ChunkVerifier verifier,
                          BlockCache blockCache, Config config) {
        DataWorker worker = new DefaultDataWorker(lifecycle, torrents, verifier, blockCache, config);
        return uploadLimit > 0 ? new UploadLimiter(worker, uploadLimit) : worker;
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
                config.getPeerHandshakeTimeout()));
    }

    @Provides
    @Singleton
    @PeerConnectionSelector
    SharedSelector selector(IRuntimeLifecycleBinder lifecycle) {
        FairSelector selector;
        try {
            selector = new FairSelector(Selector.open());
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
