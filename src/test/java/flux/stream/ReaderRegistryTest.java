package flux.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ReaderRegistryTest {
    @Test
    void aClosedReaderIsRememberedWhereItStoppedReachingToTheEndOfItsFile() {
        ReaderRegistry registry = new ReaderRegistry();
        ReaderRegistry.Cursor c = registry.open(10, 11, 50);
        c.moveTo(11);
        assertTrue(registry.recentlyClosed().isEmpty(), "an open reader is not a closed one");
        c.close();
        assertEquals(List.of(), registry.positions());
        assertEquals(List.of(new ReaderPosition(11, 50, false)), registry.recentlyClosed());
    }

    @Test
    void theMostRecentPlacesAreKeptOnceEachNewestFirst() {
        ReaderRegistry registry = new ReaderRegistry();
        IntStream.range(0, ReaderRegistry.RECENT_MOST + 3).forEach(p -> registry.open(p, p, 99).close());
        registry.open(5, 5, 99).close(); // 5 again: moves to the front instead of being listed twice
        List<Integer> pieces = registry.recentlyClosed().stream().map(ReaderPosition::piece).toList();
        assertEquals(List.of(5, 10, 9, 8, 7, 6, 4, 3), pieces);
    }

    @Test
    void aReaderKeptWaitingIsHurriedUntilAPieceComesQuickly() {
        AtomicLong now = new AtomicLong();
        ReaderRegistry registry = new ReaderRegistry(now::get);
        AtomicInteger moves = new AtomicInteger();
        registry.onMove(moves::incrementAndGet);
        ReaderRegistry.Cursor c = registry.open(0, 9, 9);
        c.waiting(true);
        now.addAndGet(millis(150));
        c.stillWaiting();
        assertFalse(hurried(registry), "the piece it opened at is sought, which is fetched at once anyway");
        c.waiting(false);
        assertTrue(hurried(registry), "but having waited that long, it is hurried from its next piece on");
        c.moveTo(1); // read on
        c.waiting(true);
        now.addAndGet(millis(5));
        c.waiting(false);
        assertFalse(hurried(registry), "the next one came at once");

        c.moveTo(2); // read on
        c.waiting(true);
        now.addAndGet(millis(ReaderRegistry.HURRY_AFTER_MILLIS - 1));
        c.stillWaiting();
        assertFalse(hurried(registry));
        int before = moves.get();
        now.addAndGet(millis(1));
        c.stillWaiting();
        assertTrue(hurried(registry));
        assertEquals(before + 1, moves.get(), "the listeners hear of it at once");
        c.stillWaiting();
        assertEquals(before + 1, moves.get(), "and once");

        now.addAndGet(millis(300));
        c.waiting(false);
        c.moveTo(3);
        c.waiting(true);
        now.addAndGet(millis(25));
        c.waiting(false);
        assertTrue(hurried(registry), "the next piece kept it waiting too");

        c.moveTo(4);
        c.waiting(true);
        now.addAndGet(millis(19));
        c.waiting(false);
        assertFalse(hurried(registry), "a piece that came within 20 ms: bt's pace will do");
    }

    private static long millis(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private static boolean hurried(ReaderRegistry registry) {
        return registry.positions().get(0).hurried();
    }

    @Test
    void closingTwiceRemembersOnce() {
        ReaderRegistry registry = new ReaderRegistry();
        ReaderRegistry.Cursor c = registry.open(3, 3, 9);
        c.close();
        registry.open(7, 7, 9).close();
        c.close();
        assertEquals(List.of(7, 3), registry.recentlyClosed().stream().map(ReaderPosition::piece).toList());
    }
}
