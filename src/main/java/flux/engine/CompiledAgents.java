package flux.engine;

import bt.processor.ProcessingStage;
import bt.processor.TerminateOnErrorProcessingStage;
import bt.processor.listener.ProcessingEvent;
import bt.processor.torrent.TorrentContext;
import bt.torrent.compiler.CompilerVisitor;
import bt.torrent.compiler.MessagingAgentCompiler;
import bt.torrent.messaging.DefaultMessageRouter;
import bt.torrent.messaging.MessageRouter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Set;

/**
 * bt's messaging agents, compiled once for every torrent. bt gives each torrent's message router
 * a compiler of its own, which looks up the annotated methods of every agent class anew (the
 * client's agents and the torrent's own) and keeps what it found for as long as the torrent
 * lives; with one compiler for all, each class is looked up once and a torrent's router keeps
 * only its own small list of calls.
 *
 * <p>bt's session stage is given no agents and makes the router; the stage here, right after
 * it, puts the shared compiler in that router and registers the client's agents, before bt's
 * next stage registers the torrent's own: the order bt's router would have had them in.
 */
final class CompiledAgents {
    private static final Logger log = LoggerFactory.getLogger(CompiledAgents.class);

    /** bt's router keeps its compiler in this private field. */
    private static final Field ROUTER_COMPILER = routerCompiler();

    private final MessagingAgentCompiler compiler = new SharedCompiler();
    private final Set<Object> clientAgents;

    CompiledAgents(Set<Object> clientAgents) {
        this.clientAgents = clientAgents;
    }

    /** The stage that registers the client's agents in a new torrent's router; {@code next} follows it. */
    ProcessingStage<TorrentContext> stage(ProcessingStage<TorrentContext> next) {
        return new TerminateOnErrorProcessingStage<>(next) {
            @Override
            protected void doExecute(TorrentContext context) {
                register(context.getRouter());
            }

            @Override
            public ProcessingEvent after() {
                return null;
            }
        };
    }

    /** Registers the client's agents in {@code router}, through the shared compiler when it can take it. */
    private void register(MessageRouter router) {
        share(router);
        clientAgents.forEach(router::registerMessagingAgent);
    }

    private void share(MessageRouter router) {
        if (ROUTER_COMPILER == null || !(router instanceof DefaultMessageRouter)) {
            return;  // the router compiles for itself, as bt's does
        }
        try {
            ROUTER_COMPILER.set(router, compiler);
        } catch (IllegalAccessException e) {
            log.debug("bt's router keeps its own compiler", e);
        }
    }

    private static Field routerCompiler() {
        try {
            Field field = DefaultMessageRouter.class.getDeclaredField("compiler");
            field.setAccessible(true);
            return field.getType() == MessagingAgentCompiler.class ? field : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;  // a later bt: every router compiles for itself
        }
    }

    /** bt's compiler, which caches what it found per class, called by many torrents' stages at once. */
    private static final class SharedCompiler extends MessagingAgentCompiler {
        @Override
        public synchronized void compileAndVisit(Object agent, CompilerVisitor visitor) {
            super.compileAndVisit(agent, visitor);
        }
    }
}
