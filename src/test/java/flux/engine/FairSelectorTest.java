package flux.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The selector bt's receiving loop selects on, with a pipe for a peer connection that has sent nothing. */
@Timeout(20)
class FairSelectorTest {

    @Test
    void withNoConnectionASelectWaitsBtsTimeoutUntilAConnectionRegisters() throws Exception {
        Pipe pipe = Pipe.open();
        try (Selector selector = new FairSelector(Selector.open(), () -> 0);
             Pipe.SourceChannel channel = pipe.source(); Pipe.SinkChannel unused = pipe.sink()) {
            channel.configureBlocking(false);
            long start = System.nanoTime();
            CompletableFuture<Integer> select = CompletableFuture.supplyAsync(() -> {
                try {
                    return selector.select(FairSelector.IDLE_SELECT_MILLIS);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Thread.sleep(10 * FairSelector.MAX_SELECT_MILLIS);
            assertFalse(select.isDone(), "no connection, nothing to update: it does not wake every "
                    + FairSelector.MAX_SELECT_MILLIS + " ms");

            ((FairSelector) selector).wakeupAndRegister(channel, SelectionKey.OP_READ, null);
            assertEquals(0, select.get(5, TimeUnit.SECONDS), "woken by the registration");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < FairSelector.IDLE_SELECT_MILLIS, "before its timeout: " + millis + " ms");
            assertEquals(1, selector.keys().size());
        }
    }

    @Test
    void withAConnectionASelectWaitsAtMostItsShortTimeout() throws Exception {
        Pipe pipe = Pipe.open();
        try (Selector selector = new FairSelector(Selector.open(), () -> 0);
             Pipe.SourceChannel channel = pipe.source(); Pipe.SinkChannel unused = pipe.sink()) {
            channel.configureBlocking(false);
            ((FairSelector) selector).wakeupAndRegister(channel, SelectionKey.OP_READ, null);
            long start = System.nanoTime();
            assertEquals(0, selector.select(FairSelector.IDLE_SELECT_MILLIS));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < FairSelector.IDLE_SELECT_MILLIS / 2,
                    "bt's changes of a channel's interest wait for the select to end: " + millis + " ms");
        }
    }
}
