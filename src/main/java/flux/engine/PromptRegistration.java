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
 * the selector waited). With a stream's first two connections registering together on two busy
 * cores, 3 of 12 registrations in 6 loopback starts took 15-78 ms (~200 ms once more), and a peer's
 * handshake reply, the metadata's first step, is read only once its channel is in. Since Java 11 a
 * channel can join a selector that is waiting, and the wake-up after it makes the selector take the
 * channel in on its next turn: 0.05-7.4 ms in 34 registrations.
 */
final class PromptRegistration implements DataReceiver {
    private static final Logger log = LoggerFactory.getLogger(PromptRegistration.class);

    private final DataReceiver bt;
    /** The JDK selector bt's receiving loop waits on. */
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
