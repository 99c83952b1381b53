package flux.cli;

import flux.ExitCode;
import flux.FluxException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Launches a media player on a URL and waits for it. */
final class Players {
    private static final Map<String, List<String>> KNOWN = Map.of(
            "mpv", List.of("mpv", "--force-window=immediate"),
            "vlc", List.of("vlc", "--play-and-exit"),
            "iina", List.of("iina", "--no-stdin"),
            "ffplay", List.of("ffplay", "-autoexit"));

    private Players() {
    }

    /** The first known player on the PATH, when there is a display to show it on; else null. */
    static String installed() {
        boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null
                || System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac");
        if (!display) {
            return null;
        }
        String path = System.getenv("PATH");
        for (String name : List.of("mpv", "vlc", "ffplay")) {
            for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
                if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, name))) {
                    return name;
                }
            }
        }
        return null;
    }

    /**
     * The player's command line; mpv and VLC also get the torrent's subtitle files: mpv one
     * `--sub-file` each, VLC all of them as `--input-slave` (its `--sub-file` takes a local path
     * only: given a URL, VLC 3 looked for a file of that name in its working directory).
     */
    static List<String> command(String player, String url, List<String> subtitles) {
        List<String> cmd = new ArrayList<>();
        List<String> known = KNOWN.get(player);
        if (known != null) {
            cmd.addAll(known);
            if (player.equals("mpv")) {
                subtitles.forEach(s -> cmd.add("--sub-file=" + s));
            } else if (player.equals("vlc") && !subtitles.isEmpty()) {
                cmd.add("--input-slave=" + String.join("#", subtitles)); // flux's URLs encode '#' as %23
            }
            cmd.add(url);
            return cmd;
        }
        boolean placed = false;
        for (String part : player.trim().split("\\s+")) {
            if (part.contains("{url}")) {
                cmd.add(part.replace("{url}", url));
                placed = true;
            } else {
                cmd.add(part);
            }
        }
        if (!placed) {
            cmd.add(url);
        }
        return cmd;
    }

    static int play(String player, String url) throws InterruptedException {
        return play(player, url, List.of());
    }

    static int play(String player, String url, List<String> subtitles) throws InterruptedException {
        List<String> cmd = command(player, url, subtitles);
        // the player lives as long as the stream: a SIGTERM or a fatal error that ends flux ends it
        // too (Ctrl-C in a terminal reaches both anyway), rather than leaving it on a dead URL; the
        // hook is in place before the player starts, so a signal in between cannot miss it
        Stoppable playing = new Stoppable();
        Thread stopPlayer = new Thread(playing::stop, "flux-stop-player");
        try {
            Runtime.getRuntime().addShutdownHook(stopPlayer);
        } catch (IllegalStateException shuttingDown) {
            throw new InterruptedException("stopping");
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            playing.started(p);
            return p.waitFor();
        } catch (IOException e) {
            throw new FluxException(ExitCode.BAD_INPUT, "cannot start player '" + cmd.get(0) + "': " + e.getMessage(),
                    "install it, or name another with --player (the URL is printed above)", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopPlayer);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** The player process once started; stopped at once if the stop came first. */
    private static final class Stoppable {
        private Process process;
        private boolean stopped;

        synchronized void started(Process p) {
            if (stopped) {
                p.destroy();
            } else {
                process = p;
            }
        }

        synchronized void stop() {
            stopped = true;
            if (process != null) {
                process.destroy();
            }
        }
    }
}
