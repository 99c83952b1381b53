package flux.cli;

import flux.ExitCode;
import flux.FluxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(30)
class CleanupTest {
    @Test
    void stepsRunOnceNewestFirst() {
        List<String> ran = new ArrayList<>();
        Cleanup cleanup = new Cleanup();
        cleanup.add("lock", () -> ran.add("lock"));
        cleanup.add("engine", () -> ran.add("engine"));
        cleanup.close();
        cleanup.close();
        assertEquals(List.of("engine", "lock"), ran);
    }

    @Test
    void aStepAddedAfterTheStepsRanRunsAtOnceAndStopsTheCommand() {
        // a signal's cleanup ran while the command was still starting: what it takes next is
        // released at once, and it goes no further
        List<String> ran = new ArrayList<>();
        Cleanup cleanup = new Cleanup();
        cleanup.add("engine", () -> ran.add("engine"));
        cleanup.close();

        FluxException stop = assertThrows(FluxException.class, () -> cleanup.add("cache lock", () -> ran.add("cache lock")));
        assertEquals(ExitCode.INTERRUPTED, stop.exitCode());
        assertEquals(List.of("engine", "cache lock"), ran);
    }
}
