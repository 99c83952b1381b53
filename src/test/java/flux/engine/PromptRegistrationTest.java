package flux.engine;

import bt.net.DataReceiver;
import bt.net.SharedSelector;
import bt.net.pipeline.ChannelHandlerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PromptRegistrationTest {

    /** bt's receiving loop as bt 1.10 runs it: each wait on the shared selector holds its lock. */
    private static final class ReceivingLoop extends Thread {
        final SharedSelector shared;
        final BlockingQueue<Object> readyAttachments = new ArrayBlockingQueue<>(16);
        final AtomicBoolean stop = new AtomicBoolean();

        ReceivingLoop(SharedSelector shared) {
            super("test.bt.net.data-receiver");
            this.shared = shared;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    // a minute per wait (bt waits 1 s): only a wake-up brings a new channel in sooner
                    if (shared.select(60_000) > 0) {
                        for (SelectionKey key : shared.selectedKeys()) {
                            ((Pipe.SourceChannel) key.channel()).read(ByteBuffer.allocate(64));
                            readyAttachments.add(key.attachment());
                        }
                        shared.selectedKeys().clear();
                    }
                }
            } catch (IOException | RuntimeException e) {
                readyAttachments.add(e);
            }
        }

        /** Until this thread is inside the selector's wait, bounded in time. */
        void awaitWaiting() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!inSelect()) {
                assertTrue(System.nanoTime() < deadline, "the loop never waited on its selector");
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }

        private boolean inSelect() {
            return getState() == State.RUNNABLE && Arrays.stream(getStackTrace())
                    .anyMatch(f -> f.getClassName().startsWith("sun.nio.ch.") && f.getMethodName().equals("doSelect"));
        }
    }

    @Test
    void aChannelRegisteredWhileBtsLoopWaitsIsReadOnTheLoopsNextTurn() throws Exception {
        try (Selector selector = Selector.open()) {
            SharedSelector shared = new SharedSelector(selector);
            ReceivingLoop loop = new ReceivingLoop(shared);
            loop.start();
            Pipe pipe = Pipe.open();
            try {
                pipe.source().configureBlocking(false);
                loop.awaitWaiting();

                ChannelHandlerContext context = aContext();
                DataReceiver receiver = PromptRegistration.of(new ThrowingReceiver(), shared);
                receiver.registerChannel(pipe.source(), context);
                pipe.sink().write(ByteBuffer.wrap(new byte[]{19}));

                // bt's loop is still inside a minute's wait on its selector when the channel joins
                Object ready = loop.readyAttachments.poll(10, TimeUnit.SECONDS);
                assertNotNull(ready, "the loop did not see the new channel's bytes");
                assertSame(context, ready);
            } finally {
                loop.stop.set(true);
                selector.wakeup();
                loop.join(5_000);
                pipe.sink().close();
                pipe.source().close();
            }
        }
    }

    @Test
    void btsSelectorIsReachedSoRegistrationIsPrompt() throws IOException {
        try (Selector selector = Selector.open()) {
            assertInstanceOf(PromptRegistration.class, PromptRegistration.of(new ThrowingReceiver(), new SharedSelector(selector)));
        }
    }

    /** The connection's context bt attaches to its key; the loop above only hands it back. */
    private static ChannelHandlerContext aContext() {
        return (ChannelHandlerContext) java.lang.reflect.Proxy.newProxyInstance(PromptRegistrationTest.class.getClassLoader(),
                new Class<?>[]{ChannelHandlerContext.class}, (proxy, method, args) -> method.getName().equals("toString") ? "a context" : null);
    }

    /** bt's own receiver must not be asked to register: that is the path with the lock. */
    private static final class ThrowingReceiver extends IdleReceiver {
        @Override
        public void registerChannel(SelectableChannel channel, ChannelHandlerContext context) {
            throw new AssertionError("registered through bt's receiver");
        }
    }
}
