package flux.cli;

import flux.FluxProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class HelpTest {
    @Test
    void helpListsUsageAndExitCodes() throws Exception {
        FluxProcess.Result r = FluxProcess.run(30, "--help");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("Usage: flux"), r.stdout());
        assertTrue(r.stdout().contains("Exit codes:"), r.stdout());
    }

    @Test
    void versionNamesBtAndJava() throws Exception {
        FluxProcess.Result r = FluxProcess.run(30, "--version");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("bt 1.10"), r.stdout());
        assertTrue(r.stdout().contains("Java " + Runtime.version().feature()), r.stdout());
    }

    @Test
    void unknownOptionIsAUsageErrorOnOneLine() throws Exception {
        FluxProcess.Result r = FluxProcess.run(30, "--no-such-option");
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().startsWith("flux: Unknown option: '--no-such-option'"), r.stderr());
        assertTrue(!r.stderr().contains("Exception"), r.stderr());
    }
}
