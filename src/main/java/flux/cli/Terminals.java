package flux.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Is stdout / stderr a terminal? (Java only tells whether both stdin and stdout are.) */
public final class Terminals {
    private Terminals() {
    }

    public static boolean stdoutIsTerminal() {
        return isTerminal(1);
    }

    public static boolean stderrIsTerminal() {
        return isTerminal(2);
    }

    private static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            if (Files.isSymbolicLink(link)) {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception ignored) {
            // not Linux: fall back below
        }
        return System.console() != null;
    }
}
