package flux.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * VLC without a window or sound. It plays a URL from one time to another, as a user who opens it
 * and jumps there, and its stream output copies what it demuxed into an MPEG-TS file (no
 * re-encoding), so a test can compare those frames with the source's ({@link Media#frameHashes}).
 * VLC refuses to run as root, so as root (CI) it runs as nobody, in a directory of its own that
 * nobody may write.
 */
public final class Vlc {
    private final Path dir;

    private Vlc(Path dir) {
        this.dir = dir;
    }

    /** A VLC whose settings, caches and output live in {@code parent/vlc-<name>}. */
    public static Vlc in(Path parent, String name) throws IOException {
        Path own = Files.createDirectories(parent.resolve("vlc-" + name));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxrwxrwx"));
        return new Vlc(own.toAbsolutePath());
    }

    /** Where VLC writes what it played. */
    public Path output() {
        return dir.resolve("played.ts");
    }

    /**
     * Plays {@code url} from {@code fromSeconds} to {@code toSeconds} into {@link #output}, with
     * {@code options} on VLC's command line; fails with VLC's log unless it exits 0 in time.
     */
    public Path play(String url, int fromSeconds, int toSeconds, long timeoutSeconds, String... options)
            throws IOException, InterruptedException {
        List<String> cmd = command(toSeconds);
        cmd.add("--start-time=" + fromSeconds);
        cmd.addAll(List.of(options));
        cmd.add(url);
        cmd.addAll(outputOptions());
        Tools.run(timeoutSeconds, cmd.toArray(String[]::new));
        return output();
    }

    /**
     * A program named {@code vlc} in this VLC's directory that plays whatever its command line says
     * (a player flux starts: {@code vlc --play-and-exit [options] URL}) up to {@code toSeconds} into
     * {@link #output}; returns the directory, for the front of a PATH.
     */
    public Path standIn(int toSeconds) throws IOException {
        String line = command(toSeconds).stream().map(Tools::shellQuote).collect(Collectors.joining(" ")) + " \"$@\" "
                + outputOptions().stream().map(Tools::shellQuote).collect(Collectors.joining(" "));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path vlc = bin.resolve("vlc");
        Files.writeString(vlc, "#!/bin/sh\nexec " + line + "\n");
        if (!vlc.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + vlc + " executable");
        }
        return bin;
    }

    private List<String> command(int toSeconds) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (isRoot()) {
            cmd.addAll(List.of(Tools.require("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        cmd.addAll(List.of(Tools.require("env"), "HOME=" + dir, Tools.require("cvlc"), "--no-video-title-show",
                "--stop-time=" + toSeconds));
        return cmd;
    }

    private List<String> outputOptions() {
        return List.of("--sout", "#std{access=file,mux=ts,dst=" + output() + "}", "vlc://quit");
    }

    private static boolean isRoot() throws IOException {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    }
}
