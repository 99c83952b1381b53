package flux.cli;

import flux.FluxProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gets one clear line, a hint, the documented exit code and no stack trace. */
@Timeout(60)
class BadInputTest {
    private static void assertOneCleanError(FluxProcess.Result r, int code, String message) {
        assertEquals(code, r.exitCode(), r.stderr());
        assertTrue(r.stderr().startsWith("flux: " + message), r.stderr());
        assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void malformedMagnet() throws Exception {
        assertOneCleanError(FluxProcess.run(30, "stream", "magnet:?dn=nothing", "--no-dht"), 3,
                "malformed magnet link: no 'xt=urn:btih:' info-hash");
    }

    @Test
    void infoHashOfTheWrongLength() throws Exception {
        assertOneCleanError(FluxProcess.run(30, "info", "abcdef0123456789abcdef0123456789abcdef0"), 3,
                "'abcdef0123456789abcdef0123456789abcdef0' is not a valid info-hash");
    }

    @Test
    void aMagnetWhoseTrackerIsDeadSaysSo() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String magnet = "magnet:?xt=urn:btih:" + "cd".repeat(20) + "&tr=http://127.0.0.1:" + closed + "/announce";
        FluxProcess.Result r = FluxProcess.run(30, "info", magnet, "--no-dht", "--timeout", "2",
                "--bind", "127.0.0.1", "--peer-port", "0");
        assertOneCleanError(r, 4, "no metadata after 2 s (0 peers found, 0 connected; its tracker did not answer)");
        assertTrue(r.stderr().contains("add a working tracker with --tracker URL"), r.stderr());
    }

    @Test
    void missingTorrentFile() throws Exception {
        assertOneCleanError(FluxProcess.run(30, "info", "no-such.torrent"), 3,
                "'no-such.torrent' is not a magnet link, info-hash, .torrent file or URL");
    }

    @Test
    void aFileThatIsNotATorrent(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.torrent"), "<html>not found</html>");
        assertOneCleanError(FluxProcess.run(30, "info", junk.toString()), 3, junk + " is not a valid .torrent file");
    }

    @Test
    void seedingAMissingPathFailsThatPathOnly(@TempDir Path dir) throws Exception {
        FluxProcess.Result r = FluxProcess.run(30, "seed", dir.resolve("gone.mkv").toString(), "--no-dht",
                "--bind", "127.0.0.1", "--peer-port", "0", "--state", dir.resolve("state").toString());
        assertEquals(3, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("gone.mkv: no such file or directory"), r.stderr());
    }

    @Test
    void unwritableStateDirectory(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.bin"), "data");
        Path notADir = Files.writeString(dir.resolve("state"), "a file, not a directory");
        FluxProcess.Result r = FluxProcess.run(30, "seed", file.toString(), "--state", notADir.toString(), "--no-dht");
        assertOneCleanError(r, 5, "state directory " + notADir + " is not writable");
    }

    /** `flux stream` of an info-hash no tracker or peer serves, on loopback with the DHT off, plus {@code options}. */
    private static FluxProcess.Result streamNobody(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("stream", "30ae5a4e00883375d0bec525cd7ec258ca3cbc97", "--no-dht",
                "--bind", "127.0.0.1"));
        args.addAll(List.of(options));
        return FluxProcess.run(30, args.toArray(String[]::new));
    }

    @Test
    void cacheDirectoryThatIsAFile(@TempDir Path dir) throws Exception {
        Path notADir = Files.writeString(dir.resolve("cache"), "a file, not a directory");
        FluxProcess.Result r = streamNobody("--peer-port", "0", "--port", "0", "--cache-dir", notADir.toString());
        assertOneCleanError(r, 5, "cannot create directory " + notADir + ": a file of that name is in the way\n");
        assertTrue(r.stderr().contains("choose another with --cache-dir DIR"), r.stderr());
        assertEquals("a file, not a directory", Files.readString(notADir), "the file must not be touched");
    }

    @Test
    void outDirectoryUnderAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("movie.mkv"), "a file");
        Path under = file.resolve("out");
        FluxProcess.Result r = streamNobody("--peer-port", "0", "--port", "0", "--out", under.toString());
        assertOneCleanError(r, 5, "cannot create directory " + under + ": not a directory\n");
        assertTrue(r.stderr().contains("choose another with --out DIR"), r.stderr());
    }

    @Test
    void portOutOfRangeIsAUsageError() throws Exception {
        for (String option : new String[]{"--port", "--peer-port", "--dht-port"}) {
            FluxProcess.Result r = streamNobody(option, "99999");
            assertOneCleanError(r, 2, option + " must be between 0 and 65535");
        }
    }

    @Test
    void unknownHttpHost() throws Exception {
        // brackets: refused without a DNS lookup
        FluxProcess.Result r = streamNobody("--peer-port", "0", "--host", "[not-an-address]");
        assertOneCleanError(r, 3, "--host: unknown address '[not-an-address]'");
    }

    @Test
    void aTrackerFluxCannotAskIsAUsageError() throws Exception {
        FluxProcess.Result r = streamNobody("--peer-port", "0", "--tracker", "wss://tracker.example");
        assertOneCleanError(r, 2, "--tracker 'wss://tracker.example' is not a tracker flux can ask");
        assertTrue(r.stderr().contains("give an http://, https:// or udp:// announce URL"), r.stderr());
    }

    @Test
    void aPeerThatIsNotHostAndPortIsAUsageError() throws Exception {
        for (String peer : new String[]{"192.168.1.5", "192.168.1.5:99999", "::1:6881", "host:port"}) {
            FluxProcess.Result r = streamNobody("--peer-port", "0", "--peer", peer);
            assertOneCleanError(r, 2, "--peer '" + peer + "' is not HOST:PORT");
        }
    }

    @Test
    void aLoginThatIsNotUserAndPasswordIsAUsageError() throws Exception {
        FluxProcess.Result r = streamNobody("--peer-port", "0", "--http-auth", "justaname");
        assertOneCleanError(r, 2, "--http-auth must be USER:PASSWORD, both non-empty");
        assertFalse(r.stderr().contains("justaname"), "the value may be a password: not echoed");
    }

    @Test
    void dlnaGoesWithNeitherAPlayerNorALogin() throws Exception {
        assertOneCleanError(streamNobody("--peer-port", "0", "--dlna", "--mpv"), 2,
                "--dlna plays on a renderer: it goes with neither a player nor '-o -'");
        assertOneCleanError(streamNobody("--peer-port", "0", "--dlna=TV", "--http-auth", "me:secret"), 2,
                "--dlna and --http-auth: a renderer cannot log in");
    }

    @Test
    void aWatchedFolderThatIsNotThereIsAnError(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("incoming");
        assertOneCleanError(FluxProcess.run(30, "seed", "--watch", missing.toString(), "--no-dht", "--bind", "127.0.0.1",
                "--peer-port", "0", "--state", dir.resolve("state").toString()), 3, "--watch " + missing + ": no such directory");
    }

    @Test
    void aStatusPortInUseIsOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.bin"), "some data");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertOneCleanError(FluxProcess.run(30, "seed", file.toString(), "--http", "127.0.0.1:" + port, "--no-dht",
                    "--bind", "127.0.0.1", "--peer-port", "0", "--state", dir.resolve("state").toString()), 4,
                    "--http: port " + port + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void createRefusesToOverwrite(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.bin"), "some data");
        Path out = Files.writeString(dir.resolve("a.torrent"), "already here");
        assertOneCleanError(FluxProcess.run(30, "create", file.toString(), "-o", out.toString()), 3,
                out + " already exists");
        assertEquals("already here", Files.readString(out), "the existing file must not be touched");
    }

    @Test
    void emptyDirectoryCannotBeShared(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertOneCleanError(FluxProcess.run(30, "create", empty.toString()), 3,
                "directory " + empty + " has no files to share");
    }

    @Test
    void badPieceSizeIsAUsageError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.bin"), "some data");
        assertOneCleanError(FluxProcess.run(30, "create", file.toString(), "--piece-size", "300K"), 2,
                "piece size must be a power of two");
    }
}
