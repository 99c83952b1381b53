package flux.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
    private FairSelector selector;
    private Pipe pipe;

    @BeforeEach
    void open() throws IOException {
        selector = new FairSelector(Selector.open(), () -> 0);
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        selector.close();
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void withNoConnectionASelectWaitsBtsTimeoutUntilAConnectionRegisters() throws Exception {
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

        selector.wakeupAndRegister(pipe.source(), SelectionKey.OP_READ, null);
        assertEquals(0, select.get(5, TimeUnit.SECONDS), "woken by the registration");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < FairSelector.IDLE_SELECT_MILLIS, "before its timeout: " + millis + " ms");
        assertEquals(1, selector.keys().size());
    }

    @Test
    void withAConnectionASelectWaitsAtMostItsShortTimeout() throws Exception {
        selector.wakeupAndRegister(pipe.source(), SelectionKey.OP_READ, null);
        long start = System.nanoTime();
        assertEquals(0, selector.select(FairSelector.IDLE_SELECT_MILLIS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < FairSelector.IDLE_SELECT_MILLIS / 2,
                "bt's changes of a channel's interest wait for the select to end: " + millis + " ms");
    }
}
