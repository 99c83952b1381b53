package flux.engine;

import bt.module.PeerConnectionSelector;
import bt.module.ServiceModule;
import bt.net.SharedSelector;
import bt.service.IRuntimeLifecycleBinder;
import bt.service.LifecycleBinding;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;

/**
 * flux's replacements inside bt's Guice wiring (applied over bt's modules, so bt itself is
 * unchanged): the choke-state agent and the fair peer selector.
 */
final class EngineModule extends AbstractModule {
    @Override
    protected void configure() {
        ServiceModule.extend(binder()).addMessagingAgent(new ChokeStateAgent());
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
