package flux.cli;

import flux.engine.PieceHolders;
import flux.stream.ReaderRegistry.Wait;
import flux.ui.Events;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitReportTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final WaitReport report = new WaitReport(1200, piece -> new PieceHolders(3, 0, 0),
            new Events(new PrintStream(out, true, StandardCharsets.UTF_8), true));

    private List<String> events() {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Test
    void aWaitIsReportedAfterFiveSecondsOncePerPieceThenEveryFifteen() {
        long t0 = 1_000 * S;
        List<Wait> twoReadersOnOnePiece = List.of(new Wait(812, t0), new Wait(812, t0 + S));

        report.check(twoReadersOnOnePiece, t0 + 4 * S);
        assertEquals(0, events().size(), "4 s is not long yet");

        report.check(twoReadersOnOnePiece, t0 + 5 * S);
        assertEquals(1, events().size(), "one report for the piece, not one per reader");
        String event = events().get(0);
        assertTrue(event.contains("\"event\":\"waiting\"") && event.contains("\"piece\":812") && event.contains("\"seconds\":5")
                && event.contains("\"peers\":3") && event.contains("\"have\":0") && event.contains("\"unchoking\":0"), event);

        report.check(twoReadersOnOnePiece, t0 + 19 * S);
        assertEquals(1, events().size(), "not again within 15 s");
        report.check(twoReadersOnOnePiece, t0 + 20 * S);
        assertEquals(2, events().size(), "again after 15 s");
        assertTrue(events().get(1).contains("\"seconds\":20"), events().get(1));

        report.check(List.of(), t0 + 21 * S); // the piece came
        report.check(List.of(new Wait(812, t0 + 30 * S)), t0 + 35 * S);
        assertEquals(3, events().size(), "a new wait for the piece is reported on its own clock");
    }

    @Test
    void theLineSaysWhatThePeersCanDoAboutIt() {
        assertEquals("waiting 5 s for piece 812 of 1200: no peer is connected",
                WaitReport.line(812, 1200, 5, new PieceHolders(0, 0, 0)));
        assertEquals("waiting 5 s for piece 812 of 1200: the one connected peer does not have it; it comes when a peer that has it connects",
                WaitReport.line(812, 1200, 5, new PieceHolders(1, 0, 0)));
        assertEquals("waiting 5 s for piece 812 of 1200: none of the 3 connected peers has it; it comes when a peer that has it connects",
                WaitReport.line(812, 1200, 5, new PieceHolders(3, 0, 0)));
        assertEquals("waiting 5 s for piece 812 of 1200: the one connected peer has it but does not let flux download yet (choked)",
                WaitReport.line(812, 1200, 5, new PieceHolders(1, 1, 0)));
        assertEquals("waiting 20 s for piece 812 of 1200: 2 of 3 connected peers have it, and none lets flux download yet (choked)",
                WaitReport.line(812, 1200, 20, new PieceHolders(3, 2, 0)));
        assertEquals("waiting 5 s for piece 812 of 1200: 1 of 3 connected peers has it, 1 letting flux download: it comes at their pace",
                WaitReport.line(812, 1200, 5, new PieceHolders(3, 1, 1)));
    }
}
