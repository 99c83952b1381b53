package flux.it;

import flux.FluxProcess;
import flux.lab.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `flux demo` end to end in a network namespace that has nothing but loopback. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoIT {
    @Test
    void demoStreamsTheEmbeddedVideoWithNoNetwork() throws Exception {
        // -v: should it fail, the two engines' debug log says why (a run once got no metadata in 30 s)
        List<String> java = FluxProcess.builder(List.of("-v", "demo", "--no-player")).command();
        StringBuilder script = new StringBuilder("ip link set lo up && exec");
        for (String part : java) {
            script.append(' ').append(Tools.shellQuote(part));
        }
        // -r: a user namespace too, so that it also works for a non-root CI user
        List<String> cmd = new ArrayList<>(List.of(Tools.require("unshare"), "-rn", "sh", "-c", script.toString()));
        Path err = Files.createTempFile("demo", ".stderr");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "demo did not finish");
        assertEquals(0, p.exitValue(), out + tail(err));
        assertTrue(out.contains("flux demo: OK") && out.contains("SHA-256 matches"), out + tail(err));
        assertTrue(Files.readString(err).contains("magnet:?xt=urn:btih:"), tail(err));
        assertTrue(Files.readString(err).chars().noneMatch(c -> c == 27), "no escape codes when stderr is not a terminal");
    }

    /** The log's last 150 lines, and where the whole of it is. */
    private static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size())) + "\n(the whole log: " + log + ")";
    }
}
