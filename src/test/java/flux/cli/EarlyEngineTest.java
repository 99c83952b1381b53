package flux.cli;

import flux.engine.EngineSettings;
import flux.engine.TorrentInput;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyEngineTest {
    private static final String MAGNET = "magnet:?xt=urn:btih:" + "ab".repeat(20) + "&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce";

    @Test
    void readsTheNetworkOptionsAsPicocliWould() throws Exception {
        EarlyEngine.Reading r = EarlyEngine.read(new String[]{"stream", "-o", "out.mkv", MAGNET, "--bind", "127.0.0.9",
                "--peer-port=0", "--no-dht", "--json"}).orElseThrow();
        assertEquals(InetAddress.getByName("127.0.0.9"), r.settings().bindAddress());
        assertEquals(0, r.settings().peerPort());
        assertTrue(r.portChosenByUser());
        assertFalse(r.settings().dht());
        assertEquals(TorrentInput.parse(MAGNET), r.input());
    }

    @Test
    void theEngineSettingsAreExactlyThoseThePicocliCommandWouldStartWith() {
        String[][] commandLines = {
                {"stream", MAGNET},
                {"stream", MAGNET, "--no-dht", "--bind", "127.0.0.9", "--peer-port", "0", "--port", "0", "--json", "-v"},
                {"stream", "--dht-port=7000", "--lsd", "--pex", "--max-peers", "12", "--upload-limit=2M", MAGNET, "-q"},
                {"stream", "--dht", "--bind=::1", "--peer-port=6999", "--max-peers=3", "--upload-limit", "500K", MAGNET},
                {"stream", MAGNET, "--require-encryption", "--no-dht"},
                {"-v", "stream", MAGNET, "--no-dht"},
                {"-vq", "stream", "--peer-port", "7000", "ab".repeat(20)},
        };
        for (String[] args : commandLines) {
            EarlyEngine.Reading early = EarlyEngine.read(args).orElseThrow();
            CommandLine cli = FluxCommand.model(FluxCommand.subcommandsFor(args));
            StreamCommand stream = (StreamCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
            assertEquals(stream.network.settings(), early.settings(), String.join(" ", args));
            assertEquals(stream.network.peerPortChosen(), early.portChosenByUser(), String.join(" ", args));
        }
    }

    @Test
    void addedTrackersAreReadAsPicocliWould(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("movie.torrent"), new byte[]{'d', 'e'});
        String[][] commandLines = {
                {"stream", MAGNET, "-t", "udp://127.0.0.1:6969", "--tracker=http://127.0.0.2:1/announce", "--no-dht"},
                {"stream", "--tracker", "http://127.0.0.2:1/announce", file.toString(), "-t", "udp://127.0.0.1:6969",
                        "--peer", "127.0.0.3:7003", "--peer=[::1]:7004"},
        };
        for (String[] args : commandLines) {
            EarlyEngine.Reading early = EarlyEngine.read(args).orElseThrow();
            CommandLine cli = FluxCommand.model(FluxCommand.subcommandsFor(args));
            StreamCommand stream = (StreamCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
            assertEquals(TorrentInput.parse(stream.torrent).withTrackers(stream.trackers), early.input(), String.join(" ", args));
            assertEquals(2, stream.trackers.size());
            assertEquals(stream.peers.stream().map(StreamCommand::peerAddress).toList(), early.namedPeers(), String.join(" ", args));
        }
    }

    @Test
    void theNetworkOptionsReadEarlyAreExactlyTheMixinsOptions() {
        CommandLine.Model.CommandSpec stream = FluxCommand.model(List.of(StreamCommand.class))
                .getSubcommands().get("stream").getCommandSpec().mixins().get("network");
        assertEquals(Set.copyOf(EarlyEngine.NETWORK_OPTIONS), stream.options().stream()
                .map(o -> o.longestName().substring(2)).collect(Collectors.toSet()));
        assertEquals(Set.copyOf(EarlyEngine.OPTIONS_WITH_VALUE), stream.options().stream()
                .filter(o -> o.arity().max() > 0 && !o.negatable()).map(CommandLine.Model.OptionSpec::longestName)
                .collect(Collectors.toSet()));
    }

    @Test
    void defaultsAreTheCommandsDefaults() {
        EarlyEngine.Reading r = EarlyEngine.read(new String[]{"stream", MAGNET}).orElseThrow();
        assertEquals(EngineSettings.DEFAULT_PEER_PORT, r.settings().peerPort());
        assertFalse(r.portChosenByUser());
        assertTrue(r.settings().dht());
        assertTrue(r.settings().bindAddress().isAnyLocalAddress());
    }

    @Test
    void aTorrentFileIsReadToo(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("movie.torrent"), new byte[]{'d', 'e'});
        EarlyEngine.Reading r = EarlyEngine.read(new String[]{"stream", "--select", "2", file.toString()}).orElseThrow();
        assertEquals(TorrentInput.parse(file.toString()), r.input());
    }

    @Test
    void theFileToPlayIsReadAsPicocliWould(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("movie.torrent"), new byte[]{'d', 'e'});
        String[][] commandLines = {
                {"stream", file.toString()},
                {"stream", file.toString(), "-s", "*.mp4", "--no-dht"},
                {"stream", "--select=2", file.toString()},
                {"stream", "--select", "3", "--list", file.toString()},
                {"stream", "-l", file.toString()},
        };
        for (String[] args : commandLines) {
            EarlyEngine.Reading early = EarlyEngine.read(args).orElseThrow();
            CommandLine cli = FluxCommand.model(FluxCommand.subcommandsFor(args));
            StreamCommand stream = (StreamCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
            assertEquals(stream.select, early.select(), String.join(" ", args));
            assertEquals(stream.list, early.list(), String.join(" ", args));
            assertEquals(TorrentInput.parse(file.toString()), early.input(), String.join(" ", args));
        }
    }

    @Test
    void flagsBeforeTheCommandAndABareInfoHashAreReadToo() {
        assertEquals(TorrentInput.parse(MAGNET), EarlyEngine.read(new String[]{"--verbose", "stream", MAGNET}).orElseThrow().input());
        String hash = "AB".repeat(20);
        assertEquals(TorrentInput.parse(hash), EarlyEngine.read(new String[]{"stream", "--json", hash}).orElseThrow().input());
    }

    @Test
    void leavesAnythingUnclearToPicocli() {
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"-x", "stream", MAGNET}), "not one of flux's flags");
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"-v", "seed", MAGNET}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"-v", "stream"}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"seed", MAGNET}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", "missing.torrent"}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", MAGNET, "--bind", "example.org"}),
                "a host name would need a DNS lookup");
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", MAGNET, "--peer-port", "x"}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", "magnet:?xt=urn:btih:zz"}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", MAGNET, "--lsd=true"}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", MAGNET, "--max-peers", "0"}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", MAGNET, "--upload-limit", "lots"}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", MAGNET, "--bind"}));
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", MAGNET, "--peer", "seedbox.lan:51413"}),
                "a host name would need a DNS lookup");
        assertEquals(Optional.empty(), EarlyEngine.read(new String[]{"stream", MAGNET, "--peer", "127.0.0.1"}));
    }
}
