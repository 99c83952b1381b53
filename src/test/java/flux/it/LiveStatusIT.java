package flux.it;

import flux.FluxProcess;
import flux.lab.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live status on a real pseudo-terminal (tmux): two lines at the bottom, redrawn in place,
 * log lines above them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LiveStatusIT {
    private final String session = "flux-status-" + ProcessHandle.current().pid();

    @AfterEach
    void killTmux() throws Exception {
        new ProcessBuilder(Tools.require("tmux"), "kill-session", "-t", session).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void statusLinesStayAtTheBottomWithLogsAbove() throws Exception {
        String tmux = Tools.require("tmux");
        StringBuilder command = new StringBuilder("TERM=xterm-256color exec");
        for (String part : FluxProcess.builder(List.of("demo", "--no-player", "--serve")).command()) {
            command.append(' ').append(Tools.shellQuote(part));
        }
        Tools.run(20, tmux, "new-session", "-d", "-s", session, "-x", "120", "-y", "20", command.toString());
        String screen = "";
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            screen = Tools.run(10, tmux, "capture-pane", "-p", "-t", session);
            if (screen.contains("serving until Ctrl-C") && screen.contains("complete ")) {
                break;
            }
            Thread.sleep(200);
        }
        List<String> lines = Arrays.stream(screen.split("\n")).filter(l -> !l.isBlank()).toList();
        String bar = lines.get(lines.size() - 1);
        String status = lines.get(lines.size() - 2);
        assertTrue(bar.matches("\\[[#+.|]{20,}\\]\\s*"), "last line should be the piece bar:\n" + screen);
        assertTrue(status.startsWith("complete ") && status.contains("peers"), "status line above the bar:\n" + screen);
        int ok = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("flux demo: OK")) {
                ok = i;
            }
        }
        assertTrue(ok >= 0 && ok < lines.size() - 2, "log lines must print above the status:\n" + screen);
        assertTrue(screen.chars().noneMatch(c -> c == 27), "no raw escape codes on screen");
    }
}
