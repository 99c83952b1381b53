package flux.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void closingTwiceRemembersOnce() {
        ReaderRegistry registry = new ReaderRegistry();
        ReaderRegistry.Cursor c = registry.open(3, 3, 9);
        c.close();
        registry.open(7, 7, 9).close();
        c.close();
        assertEquals(List.of(7, 3), registry.recentlyClosed().stream().map(ReaderPosition::piece).toList());
    }
}
