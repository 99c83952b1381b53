package flux.engine;

import bt.net.DataReceiver;
import bt.net.SharedSelector;
import bt.net.pipeline.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * bt's data receiver, except that a new connection's channel joins the selector at once. bt holds
 * a lock over each of its selector's waits and has a thread that registers a channel spin until it
 * catches the lock between two waits (a guard from before Java 11, when registering blocked while
 * the selector waited). With two connections registering together on two busy cores that took up
 * to 200 ms, and the peer's handshake reply is read only once its channel is registered: 75-200 ms
 * of a stream's start in 3 of 10 loopback starts, at the first connections, the ones the metadata
 * comes from. Since Java 11 a channel can join a selector that is waiting; the wake-up after it
 * makes the waiting selector take the channel in on its next turn.
 */
final class PromptRegistration implements DataReceiver {
    private static final Logger log = LoggerFactory.getLogger(PromptRegistration.class);

    private final DataReceiver bt;
    /** The selector bt's receiving loop waits on; null when it could not be reached (bt's registration then). */
    private final Selector selector;

    private PromptRegistration(DataReceiver bt, Selector selector) {
        this.bt = bt;
        this.selector = selector;
    }

    /** bt's receiver with prompt registration on {@code shared}'s selector, or bt's receiver as it is if a later bt has none. */
    static DataReceiver of(DataReceiver bt, SharedSelector shared) {
        Selector selector = selectorOf(shared);
        return selector == null ? bt : new PromptRegistration(bt, selector);
    }

    @Override
    public void registerChannel(SelectableChannel channel, ChannelHandlerContext context) {
        try {
            channel.register(selector, SelectionKey.OP_READ, context);
        } catch (ClosedChannelException e) {
            throw new IllegalStateException("Failed to register channel", e); // as bt's does
        }
        selector.wakeup();
    }

    @Override
    public void unregisterChannel(SelectableChannel channel) {
        bt.unregisterChannel(channel);
    }

    @Override
    public void activateChannel(SelectableChannel channel) {
        bt.activateChannel(channel);
    }

    @Override
    public void deactivateChannel(SelectableChannel channel) {
        bt.deactivateChannel(channel);
    }

    /** The JDK selector inside bt's (a private field in bt 1.10). */
    private static Selector selectorOf(SharedSelector shared) {
        try {
            Field delegate = SharedSelector.class.getDeclaredField("delegate");
            delegate.setAccessible(true);
            return (Selector) delegate.get(shared);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("bt's selector cannot be reached; channels register as bt registers them", e);
            return null;
        }
    }
}
