package flux.engine;

import bt.event.EventSink;
import bt.event.EventSource;
import bt.net.IConnectionSource;
import bt.net.IMessageDispatcher;
import bt.net.IPeerConnectionPool;
import bt.net.pipeline.IBufferedPieceRegistry;
import bt.peer.IPeerRegistry;
import bt.processor.ChainProcessor;
import bt.processor.ProcessingContext;
import bt.processor.Processor;
import bt.processor.ProcessorFactory;
import bt.processor.TorrentProcessorFactory;
import bt.processor.listener.ListenerSource;
import bt.processor.torrent.ChooseFilesStage;
import bt.processor.torrent.CreateSessionStage;
import bt.processor.torrent.FetchTorrentStage;
import bt.processor.torrent.InitializeTorrentProcessingStage;
import bt.processor.torrent.ProcessTorrentStage;
import bt.processor.torrent.TorrentContext;
import bt.processor.torrent.TorrentContextFinalizer;
import bt.runtime.Config;
import bt.torrent.TorrentDescriptor;
import bt.torrent.TorrentRegistry;
import bt.torrent.data.DataWorker;
import bt.tracker.ITrackerService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * bt's processing of a torrent, except that a torrent with nothing left to download waits for its
 * stop without a thread of its own. bt ends a .torrent's chain of stages with one that sleeps a
 * second at a time until the torrent stops, on a thread of its client pool, so a `flux seed` of
 * 2000 files kept 2000 sleeping threads (with bt's status thread per client, 4000 threads and a
 * 519 MB resident set). Here the chain ends after bt's download stage, and one thread checks
 * every torrent once a second and finishes the chain as bt would once its torrent stopped. The
 * stages are bt's own, in bt's order, with one more: the client's messaging agents are compiled
 * once for all torrents ({@link CompiledAgents}); a magnet's processing (a stream) is bt's as it is.
 */
final class TorrentProcessors implements ProcessorFactory {
    private static final Logger log = LoggerFactory.getLogger(TorrentProcessors.class);

    private final ProcessorFactory bt;
    private final UntilStopped torrents;

    /**
     * @param bt       bt's factory, for every context but a .torrent's
     * @param stopWait the thread that notices stopped torrents
     */
    TorrentProcessors(TorrentProcessorFactory bt, ScheduledExecutorService stopWait, TorrentRegistry registry,
                      DataWorker dataWorker, IBufferedPieceRegistry pieces, ITrackerService trackers,
                      ExecutorService executor, IPeerRegistry peers, IConnectionSource connections,
                      IPeerConnectionPool pool, IMessageDispatcher dispatcher, Set<Object> agents,
                      EventSource eventSource, EventSink eventSink, Config config) {
        this.bt = bt;
        ProcessTorrentStage<TorrentContext> download = new ProcessTorrentStage<>(null, registry, peers, trackers, eventSink);
        ChooseFilesStage<TorrentContext> chooseFiles = new ChooseFilesStage<>(download, registry, config);
        InitializeTorrentProcessingStage<TorrentContext> initialize = new InitializeTorrentProcessingStage<>(chooseFiles,
                pool, registry, dataWorker, pieces, eventSink, config);
        CreateSessionStage<TorrentContext> session = new CreateSessionStage<>(new CompiledAgents(agents).stage(initialize),
                registry, eventSource, connections, dispatcher, Set.of(), config);
        FetchTorrentStage fetch = new FetchTorrentStage(session, eventSink);
        this.torrents = new UntilStopped(new ChainProcessor<>(fetch, executor),
                new TorrentContextFinalizer<>(registry, eventSink), registry, stopWait);
    }

    /**
     * Finishes the processing of the torrents that stopped, at once: at shutdown, after the
     * owner stopped its torrents, before the thread that would have done it within a second goes.
     */
    void finishStopped() {
        torrents.finishStopped();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <C extends ProcessingContext> Processor<C> processor(Class<C> contextType) {
        return contextType == TorrentContext.class ? (Processor<C>) torrents : bt.processor(contextType);
    }

    /**
     * A chain of stages whose torrent runs on after its last stage, until it is stopped; then the
     * finalizer runs. One task looks at every running torrent once a second (a task per torrent
     * cost 2000 torrents 36 ms of CPU a second in the scheduler's own queue).
     */
    private static final class UntilStopped implements Processor<TorrentContext> {
        /** As often as bt's last stage looked. */
        private static final long CHECK_MILLIS = 1_000;

        private final Processor<TorrentContext> chain;
        private final TorrentContextFinalizer<TorrentContext> finalizer;
        private final TorrentRegistry registry;
        /** The running torrents, and what completes when each stopped. */
        private final Map<TorrentContext, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

        UntilStopped(Processor<TorrentContext> chain, TorrentContextFinalizer<TorrentContext> finalizer,
                     TorrentRegistry registry, ScheduledExecutorService stopWait) {
            this.chain = chain;
            this.finalizer = finalizer;
            this.registry = registry;
            stopWait.scheduleWithFixedDelay(this::finishStopped, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletableFuture<?> process(TorrentContext context, ListenerSource<TorrentContext> listeners) {
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            chain.process(context, listeners).whenComplete((ok, error) -> {
                if (error != null) {
                    finalizer.finalizeContext(context);
                    stopped.completeExceptionally(error);
                } else {
                    running.put(context, stopped);
                }
            });
            return stopped;
        }

        /** Finishes as bt's last stage and finalizer would for each torrent that stopped. */
        void finishStopped() {
            running.forEach((context, stopped) -> {
                boolean active = !stopped.isDone() && context.getTorrentId().flatMap(registry::getDescriptor)
                        .map(TorrentDescriptor::isActive).orElse(false);
                if (!active && running.remove(context, stopped)) {
                    try {
                        finalizer.finalizeContext(context);
                    } catch (RuntimeException e) {
                        log.warn("could not finish a stopped torrent's processing", e);
                    } finally {
                        stopped.complete(null);
                    }
                }
            });
        }
    }
}
