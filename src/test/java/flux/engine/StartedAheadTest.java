package flux.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class StartedAheadTest {
    /** Records what it was started for, on which thread, and whether it was closed. */
    private static final class Started implements AutoCloseable {
        final String key;
        final String thread = Thread.currentThread().getName();
        volatile boolean closed;

        Started(String key) {
            if (key.equals("bad")) {
                throw new IllegalStateException("port in use");
            }
            this.key = key;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final AtomicInteger starts = new AtomicInteger();
    private final List<Started> made = new CopyOnWriteArrayList<>();
    private final StartedAhead<String, Started> ahead = new StartedAhead<>(key -> {
        starts.incrementAndGet();
        Started started = new Started(key);
        made.add(started);
        return started;
    }, "test-ahead");

    @Test
    void theFirstTakeWithTheSameKeyGetsTheOneStartedAhead() {
        ahead.start("magnet");
        Started taken = ahead.take("magnet");
        assertEquals("test-ahead", taken.thread, "started on the other thread");
        assertEquals(1, starts.get());
        Started again = ahead.take("magnet");
        assertNotSame(taken, again, "handed over once");
        assertEquals(Thread.currentThread().getName(), again.thread);
        assertFalse(taken.closed);
    }

    @Test
    void aTakeWithAnotherKeyClosesTheEarlyOneAndStartsItsOwn() {
        ahead.start("magnet");
        Started other = ahead.take("other settings");
        assertEquals("other settings", other.key);
        assertEquals(2, starts.get());
        assertTrue(made.get(0).closed, "the early one is closed");
        assertFalse(other.closed);
    }

    @Test
    void startingAgainClosesTheOneStartedBefore() throws Exception {
        ahead.start("first");
        ahead.start("second");
        Started second = ahead.take("second");
        assertEquals("second", second.key);
        assertEquals(2, starts.get());
        assertTrue(made.stream().filter(m -> m.key.equals("first")).allMatch(m -> m.closed), "the first one is closed");
        Started fresh = ahead.take("first");
        assertEquals(3, starts.get(), "the first one is gone");
        assertNotSame(second, fresh);
    }

    @Test
    void anEarlyFailureIsThrownToTheTakerAsStartingThenWouldHave() {
        ahead.start("bad");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ahead.take("bad"));
        assertEquals("port in use", e.getMessage());
        assertEquals(1, starts.get(), "not started a second time");
    }
}
